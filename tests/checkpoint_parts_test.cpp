// Checkpoints split over ranks, without MPI: a state cut into ranges and joined back
// is the state, bit for bit, its pooled histograms counted once; the parts of R ranks read back
// on R' ranks give each rank its range of the ensemble; a part that does not fit its manifest is
// refused by name; and a one-process writer that resumed a checkpoint of parts writes one whole
// file and removes the parts. The same over real ranks: CTest mpi (tests/mpi_test.py).
#include "checkpoint/checkpoint_parts.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "backend/backend.hpp"
#include "cli_support.hpp"
#include "ensemble/ensemble_slices.hpp"
#include "input_error.hpp"
#include "input_error_support.hpp"
#include "parallel/ranks.hpp"

namespace orbitmc {
namespace {

// 25 chains, so that splits over 2, 3 and 4 ranks are uneven.
const char* kCase = R"({
  "name": "small", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 7, "chains": 25,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 6}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 60, "burn_in": 20, "thin": 5},
    "corrected": {"kind": "constrained_projection", "h": 1e-3, "c": 1, "steps": 60, "burn_in": 20, "thin": 5}
  }
})";

CaseSpec small_case() {
  CaseSpec c = parse_case_text(kCase, "small.json");
  apply_overrides(c, CaseOverrides{});
  return c;
}

// The small case mid-way through its second sampler, as one process holds it.
struct Whole {
  CaseSpec c = small_case();
  std::vector<EnsembleState> finished;
  EnsembleState current;
  Whole() {
    auto backend = make_cpu_backend();
    finished.emplace_back();
    backend->advance(c.samplers[0].spec, finished[0], c.samplers[0].spec.schedule.steps);
    backend->advance(c.samplers[1].spec, current, 40);
  }
};

void expect_same(const EnsembleState& a, const EnsembleState& b) {
  EXPECT_EQ(a.chains, b.chains);
  EXPECT_EQ(a.first_chain, b.first_chain);
  EXPECT_EQ(a.next_step, b.next_step);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.moments, b.moments);
  EXPECT_EQ(a.pooled, b.pooled);
  ASSERT_EQ(a.counters.size(), b.counters.size());
  for (size_t i = 0; i < a.counters.size(); ++i) {
    EXPECT_EQ(a.counters[i].rejected, b.counters[i].rejected);
    EXPECT_EQ(a.counters[i].diverged, b.counters[i].diverged);
  }
}

uint64_t pooled_total(const EnsembleState& s) {
  uint64_t n = 0;
  for (const auto& h : s.pooled)
    for (uint64_t v : h) n += v;
  return n;
}

using testing::input_error_of;

// Rank r's part of a whole ensemble of 25 chains as a run over `ranks` holds it: its range,
// with the pooled histograms (counted once) on rank 0.
EnsembleState part_of_state(const EnsembleState& whole, uint64_t rank, uint64_t ranks) {
  const parallel::Range mine = parallel::range_of(whole.chains, rank, ranks);
  return slice_state(whole, mine.first, mine.count, rank == 0);
}

TEST(EnsembleSlices, CutIntoRangesAndJoinedIsTheStateAndCountsPooledOnce) {
  const Whole w;
  const EnsembleState& s = w.finished[0];
  ASSERT_GT(pooled_total(s), 0u);  // past burn-in: a lost or doubled histogram would show
  for (uint64_t ranks : {1u, 2u, 3u, 4u}) {
    std::vector<EnsembleState> pieces;
    for (uint64_t r = 0; r < ranks; ++r) pieces.push_back(part_of_state(s, r, ranks));
    for (uint64_t r = 1; r < ranks; ++r) EXPECT_EQ(pooled_total(pieces[r]), 0u);
    expect_same(join_states(pieces), s);
  }
  EXPECT_THROW(slice_state(s, 20, 6, true), std::invalid_argument);  // past the last chain
  std::vector<EnsembleState> gap{slice_state(s, 0, 5, true), slice_state(s, 6, 4, false)};
  EXPECT_THROW(join_states(gap), std::invalid_argument);
}

// Writes the parts and manifest of `w` as `ranks` ranks do (generation 4) at folder/ck.
Checkpoint write_parts(const Whole& w, const std::filesystem::path& folder, uint64_t ranks) {
  const std::string path = (folder / "ck").string();
  Checkpoint manifest;
  manifest.fingerprint = "run";
  manifest.completed_cases = nlohmann::json::array();
  manifest.parts = CheckpointParts{ranks, 4, -1, 1, true, w.current.next_step};
  for (uint64_t r = 0; r < ranks; ++r) {
    Checkpoint part;
    part.fingerprint = "run";
    part.completed_cases = nlohmann::json::array();
    part.parts = CheckpointParts{ranks, 4, static_cast<int64_t>(r)};
    part.finished.push_back(part_of_state(w.finished[0], r, ranks));
    part.current = part_of_state(w.current, r, ranks);
    save_checkpoint(checkpoint_part_path(path, 4, r, ranks), part);
  }
  save_checkpoint(path, manifest);
  return load_checkpoint(path);
}

TEST(CheckpointParts, PartsOfRRanksResumedOnAnyNumberGiveEachRankItsRange) {
  const Whole w;
  const auto folder = testing::temp_dir("parts-resplit");
  const std::string path = (folder / "ck").string();
  for (uint64_t written : {2u, 3u}) {
    const Checkpoint manifest = write_parts(w, folder, written);
    EXPECT_NO_THROW(check_checkpoint_matches(manifest, {w.c}, path));
    for (uint64_t now : {1u, 2u, 3u, 4u}) {
      std::vector<EnsembleState> finished, current;
      for (uint64_t r = 0; r < now; ++r) {
        const Checkpoint share = load_checkpoint_share(manifest, path, w.c, r, now);
        const parallel::Range want = parallel::range_of(25, r, now);
        ASSERT_EQ(share.finished.size(), 1u);
        EXPECT_EQ(share.current.first_chain, want.first);
        EXPECT_EQ(share.current.chains, want.count);
        finished.push_back(share.finished[0]);
        current.push_back(share.current);
      }
      SCOPED_TRACE("written by " + std::to_string(written) + ", resumed on " + std::to_string(now));
      expect_same(join_states(finished), w.finished[0]);
      expect_same(join_states(current), w.current);
    }
  }
}

TEST(CheckpointParts, APartThatDoesNotFitItsManifestIsRefusedByName) {
  const Whole w;
  const auto folder = testing::temp_dir("parts-refused");
  const std::string path = (folder / "ck").string();
  const Checkpoint manifest = write_parts(w, folder, 2);
  const std::string part1 = checkpoint_part_path(path, 4, 1, 2);
  Checkpoint part = load_checkpoint(part1);
  const auto refused = [&](const Checkpoint& p, const std::string& why) {
    save_checkpoint(part1, p);
    const std::string msg =
        input_error_of([&] { load_checkpoint_share(manifest, path, w.c, 0, 1); });
    EXPECT_NE(msg.find(part1), std::string::npos) << msg;
    EXPECT_NE(msg.find(why), std::string::npos) << msg;
  };
  Checkpoint other = part;
  other.parts.generation = 3;  // a part left by an earlier checkpoint
  refused(other, "not part 1 of generation 4");
  other = part;
  other.fingerprint = "another run";
  refused(other, "another run");
  other = part;
  other.current.next_step += 5;  // written at another step than the others
  refused(other, "current.next_step");
  other = part;
  other.finished[0] = part_of_state(w.finished[0], 0, 2);  // rank 0's chains
  refused(other, "holds chains [0, 12), expected [12, 25)");
  std::filesystem::remove(part1);
  EXPECT_NE(
      input_error_of([&] { load_checkpoint_share(manifest, path, w.c, 1, 2); }).find("missing"),
      std::string::npos);
  // A part given as the checkpoint, and a manifest that holds states, are not resumed either.
  EXPECT_NE(input_error_of([&] {
              check_checkpoint_matches(part, {w.c}, part1);
            }).find("resume from the checkpoint's own path"),
            std::string::npos);
  Checkpoint heavy = manifest;
  heavy.current = w.current;
  EXPECT_NE(
      input_error_of([&] { check_checkpoint_matches(heavy, {w.c}, path); }).find("holds no states"),
      std::string::npos);
}

TEST(CheckpointParts, PartFileNamesAreParsedExactly) {
  PartFileName p;
  ASSERT_TRUE(parse_part_file_name("ck.g12.part3of4", "ck", p));
  EXPECT_EQ(p.generation, 12u);
  EXPECT_EQ(p.rank, 3u);
  EXPECT_EQ(p.ranks, 4u);
  EXPECT_FALSE(p.temporary);
  ASSERT_TRUE(parse_part_file_name("ck.g1.part0of2.tmp.4242.Ab12Cd", "ck", p));
  EXPECT_TRUE(p.temporary);
  for (const char* other : {"ck", "ck.g.part0of2", "ck.g1.part0of", "ck.g1.part0of2x",
                            "ck2.g1.part0of2", "xck.g1.part0of2", "ck.g1.partAof2", "ck.tmp.1.x"})
    EXPECT_FALSE(parse_part_file_name(other, "ck", p)) << other;
}

TEST(CheckpointParts, AOneProcessCheckpointRemovesEveryPartFileOfItsPath) {
  const Whole w;
  const auto folder = testing::temp_dir("parts-writer");
  const std::string path = (folder / "ck").string();
  write_parts(w, folder, 3);  // generation 4 over 3 ranks, and its manifest at ck
  // Leftovers of killed runs: an uncommitted generation, a temporary; and files of others.
  for (const char* f :
       {"ck.g9.part1of2", "ck.g2.part0of2.tmp.999999.abc", "ck2.g1.part0of2", "ck.g1.notes"})
    testing::write_text(folder / f, "x");
  ASSERT_EQ(parallel::size(), 1);
  CheckpointWriter writer(path);  // a one-process run resuming (or overwriting) ck
  Checkpoint top = writer.write_part("run", 0, w.c, w.finished, w.current);
  EXPECT_EQ(top.parts.ranks, 0u);  // one process: the whole checkpoint, no manifest
  top.completed_cases = nlohmann::json::array();
  writer.commit(top);
  writer.finish();
  for (uint64_t r = 0; r < 3; ++r)
    EXPECT_FALSE(std::filesystem::exists(checkpoint_part_path(path, 4, r, 3)));
  EXPECT_FALSE(std::filesystem::exists(folder / "ck.g9.part1of2"));
  EXPECT_FALSE(std::filesystem::exists(folder / "ck.g2.part0of2.tmp.999999.abc"));
  EXPECT_TRUE(std::filesystem::exists(folder / "ck2.g1.part0of2"));  // another checkpoint's
  EXPECT_TRUE(std::filesystem::exists(folder / "ck.g1.notes"));      // not a part file
  const Checkpoint back = load_checkpoint(path);
  EXPECT_NO_THROW(check_checkpoint_matches(back, {w.c}, path));
  expect_same(back.current, w.current);
}

}  // namespace
}  // namespace orbitmc
