// Damaged and hand-made checkpoints: every flipped bit of a checkpoint file
// is caught by its checksum, a well-formed file whose fields or sizes do not fit the run is
// refused before anything uses it, and the CLI answers both with exit code 2 naming --resume,
// never with a crash or a resumed run that gives other numbers.
#include "checkpoint/checkpoint.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "cases/case_file.hpp"
#include "cli_support.hpp"
#include "input_error.hpp"
#include "input_error_support.hpp"

namespace orbitmc {
namespace {

using nlohmann::json;
using testing::run_cli;
using testing::temp_dir;
using testing::write_text;

// Small enough that a checkpoint has a few kilobytes, so every bit of it can be flipped.
const char* kCase = R"({
  "name": "small", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 5, "chains": 24,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 6}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 100, "burn_in": 40, "thin": 10},
    "corrected": {"kind": "constrained_projection", "h": 1e-3, "c": 1, "steps": 80, "burn_in": 40, "thin": 10},
    "uncorrected": {"kind": "constrained_projection", "h": 1e-3, "c": 0, "steps": 80, "burn_in": 40, "thin": 10, "expect": "reject"}
  }
})";

std::vector<CaseSpec> small_run() {
  CaseSpec c = parse_case_text(kCase, "small.json");
  apply_overrides(c, CaseOverrides{});
  return {c};
}

// What a run of the small case checkpoints mid-way through its second sampler.
Checkpoint valid_checkpoint(const CaseSpec& c) {
  auto backend = make_cpu_backend();
  Checkpoint ck;
  ck.fingerprint = "test";
  ck.completed_cases = json::array();
  EnsembleState first;
  backend->advance(c.samplers[0].spec, first, c.samplers[0].spec.schedule.steps);
  ck.finished.push_back(first);
  backend->advance(c.samplers[1].spec, ck.current, 50);
  return ck;
}

std::string file_bytes(const Checkpoint& ck) { return seal_checkpoint(checkpoint_payload(ck)); }

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

using testing::input_error_of;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(Checkpoint, AnIntactFileRoundTripsAndFitsItsRun) {
  const auto cases = small_run();
  const Checkpoint ck = valid_checkpoint(cases[0]);
  const Checkpoint back = parse_checkpoint_bytes(file_bytes(ck), "ck");
  EXPECT_NO_THROW(check_checkpoint_matches(back, cases, "ck"));
  EXPECT_EQ(back.fingerprint, ck.fingerprint);
  ASSERT_EQ(back.finished.size(), 1u);
  EXPECT_EQ(back.finished[0].x, ck.finished[0].x);
  EXPECT_EQ(back.finished[0].pooled, ck.finished[0].pooled);
  EXPECT_EQ(back.current.moments, ck.current.moments);
  EXPECT_EQ(back.current.next_step, 50u);
  // Without a sampler in progress (the next one starts afresh) the file fits too.
  Checkpoint between = ck;
  between.current = EnsembleState{};
  EXPECT_NO_THROW(
      check_checkpoint_matches(parse_checkpoint_bytes(file_bytes(between), "ck"), cases, "ck"));
}

TEST(Checkpoint, EveryFlippedBitIsDetected) {
  const auto cases = small_run();
  const std::string bytes = file_bytes(valid_checkpoint(cases[0]));
  ASSERT_GT(bytes.size(), 1000u);
  size_t refused = 0, failures = 0;
  for (size_t i = 0; i < bytes.size(); ++i)
    for (int b = 0; b < 8; ++b) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << b));
      try {
        parse_checkpoint_bytes(damaged, "ck");
      } catch (const InputError& e) {
        if (contains(e.what(), "corrupt")) {
          ++refused;
          continue;
        }
      }
      if (++failures <= 5) ADD_FAILURE() << "byte " << i << " bit " << b << " not refused";
    }
  EXPECT_EQ(refused, 8 * bytes.size());
}

TEST(Checkpoint, EveryChangedByteValueIsDetected) {
  const auto cases = small_run();
  const std::string bytes = file_bytes(valid_checkpoint(cases[0]));
  // The first and last bytes of the payload, its middle, and the trailer (length, checksum).
  for (size_t i : {size_t{0}, size_t{1}, bytes.size() / 2, bytes.size() - 17, bytes.size() - 16,
                   bytes.size() - 9, bytes.size() - 8, bytes.size() - 1})
    for (int v = 1; v < 256; ++v) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ v);
      EXPECT_TRUE(
          contains(input_error_of([&] { parse_checkpoint_bytes(damaged, "ck"); }), "corrupt"))
          << "byte " << i << " xor " << v;
    }
}

TEST(Checkpoint, FlippedBitsInAFileAreRefusedByLoadCheckpoint) {
  const auto cases = small_run();
  const auto dir = temp_dir("checkpoint-flips");
  const auto path = dir / "run.ck";
  save_checkpoint(path.string(), valid_checkpoint(cases[0]));
  const std::string bytes = read_bytes(path);
  EXPECT_NO_THROW(check_checkpoint_matches(load_checkpoint(path.string()), cases, path.string()));
  // 200 positions spread over the file, trailer included.
  for (size_t k = 0; k < 200; ++k) {
    const size_t i = k * (bytes.size() - 1) / 199;
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ (1 << (k % 8)));
    write_bytes(path, damaged);
    const std::string msg = input_error_of([&] { load_checkpoint(path.string()); });
    EXPECT_TRUE(contains(msg, "--resume") && contains(msg, path.string()) &&
                contains(msg, "corrupt"))
        << "byte " << i << ": " << msg;
  }
}

TEST(Checkpoint, TruncatedOrExtendedFilesAreRefused) {
  const auto cases = small_run();
  const std::string bytes = file_bytes(valid_checkpoint(cases[0]));
  for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, bytes.size() / 2, bytes.size() - 8,
                   bytes.size() - 1})
    EXPECT_TRUE(contains(input_error_of([&] { parse_checkpoint_bytes(bytes.substr(0, n), "ck"); }),
                         "corrupt"))
        << n << " bytes";
  EXPECT_TRUE(
      contains(input_error_of([&] { parse_checkpoint_bytes(bytes + '\0', "ck"); }), "corrupt"));
  EXPECT_TRUE(
      contains(input_error_of([&] { parse_checkpoint_bytes(bytes + bytes, "ck"); }), "corrupt"));
}

TEST(Checkpoint, AFileOfTheOldFormatIsRefusedByName) {
  const auto cases = small_run();
  json j = json::from_cbor(checkpoint_payload(valid_checkpoint(cases[0])));
  j["magic"] = "orbitmc.checkpoint/1";  // what the format without a checksum wrote
  std::string old;
  json::to_cbor(j, old);
  const std::string msg = input_error_of([&] { parse_checkpoint_bytes(old, "old.ck"); });
  EXPECT_TRUE(contains(msg, "--resume") && contains(msg, "orbitmc.checkpoint/1")) << msg;
}

TEST(Checkpoint, LoadRefusesAFolderAndAMissingFile) {
  const auto dir = temp_dir("checkpoint-folder");
  EXPECT_TRUE(contains(input_error_of([&] { load_checkpoint(dir.string()); }), "folder"));
  EXPECT_TRUE(contains(input_error_of([&] { load_checkpoint((dir / "nope").string()); }),
                       "cannot be opened"));
}

// Hand-made damage with a correct checksum: each must be refused by the parser or by the check
// against the run, as an InputError naming --resume and the file.
void expect_refused(const Checkpoint& ck, const std::vector<CaseSpec>& cases,
                    const std::string& what) {
  SCOPED_TRACE(what);
  const std::string direct =
      input_error_of([&] { check_checkpoint_matches(ck, cases, "hand.ck"); });
  EXPECT_TRUE(contains(direct, "--resume") && contains(direct, "hand.ck")) << direct;
  const std::string bytes = file_bytes(ck);
  const std::string parsed = input_error_of([&] {
    check_checkpoint_matches(parse_checkpoint_bytes(bytes, "hand.ck"), cases, "hand.ck");
  });
  EXPECT_TRUE(contains(parsed, "--resume") && contains(parsed, "hand.ck")) << parsed;
}

TEST(Checkpoint, WrongSizesWithACorrectChecksumAreRefused) {
  const auto cases = small_run();
  const Checkpoint good = valid_checkpoint(cases[0]);
  const std::vector<std::pair<std::string, std::function<void(Checkpoint&)>>> damage = {
      {"x too short", [](Checkpoint& c) { c.current.x.pop_back(); }},
      {"finished x too short", [](Checkpoint& c) { c.finished[0].x.resize(3); }},
      {"x too long", [](Checkpoint& c) { c.current.x.push_back(0.5); }},
      {"pooled wrong length", [](Checkpoint& c) { c.current.pooled[0].push_back(0); }},
      {"pooled too short", [](Checkpoint& c) { c.finished[0].pooled[0].resize(3); }},
      {"pooled missing", [](Checkpoint& c) { c.current.pooled.clear(); }},
      {"counters too short", [](Checkpoint& c) { c.current.counters.pop_back(); }},
      {"moments too short", [](Checkpoint& c) { c.current.moments.resize(6); }},
      {"chains huge", [](Checkpoint& c) { c.current.chains = uint64_t{1} << 60; }},
      {"chains 2^62 (chains × dim wraps)", [](Checkpoint& c) { c.current.chains = 1ull << 62; }},
      {"dim wrong", [](Checkpoint& c) { c.current.dim = 2; }},
      {"observed wrong", [](Checkpoint& c) { c.current.observed = 2; }},
      {"fewer chains, consistently",
       [](Checkpoint& c) {
         EnsembleState& s = c.current;
         s.chains = 7;
         s.x.resize(7 * s.dim);
         s.counters.resize(7);
         s.moments.resize(7 * s.observed * EnsembleState::kMomentWords);
       }},
      {"case_index out of range", [](Checkpoint& c) { c.case_index = 1; }},
      {"case_index huge", [](Checkpoint& c) { c.case_index = ~size_t{0}; }},
      {"completed_cases wrong count",
       [](Checkpoint& c) {
         c.completed_cases.push_back({{"name", "small"}, {"pass", true}});
       }},
      {"every sampler finished",
       [](Checkpoint& c) {
         c.finished.push_back(c.finished[0]);
         c.finished.push_back(c.finished[0]);
       }},
      {"finished before its last step", [](Checkpoint& c) { c.finished[0].next_step -= 1; }},
      {"current past its last step", [](Checkpoint& c) { c.current.next_step = 81; }},
      {"diverged out of range", [](Checkpoint& c) { c.current.counters[3].diverged = 7; }},
      {"non-finite moments of a live chain", [](Checkpoint& c) {
         c.finished[0].counters[0].diverged = 0;
         c.finished[0].moments[2] = NAN;  // mean of half 0 (n >= 2 after 100 steps)
       }}};
  for (const auto& [what, f] : damage) {
    Checkpoint ck = good;
    f(ck);
    expect_refused(ck, cases, what);
  }
  // Sanity: the undamaged checkpoint passes both ways.
  EXPECT_NO_THROW(check_checkpoint_matches(good, cases, "hand.ck"));
}

// A hand-made CBOR document (sealed, so it passes the checksum) with fields of wrong types or
// counts that would make a naive reader allocate or index out of range.
TEST(Checkpoint, HandMadeDocumentsAreRefusedWithoutAllocating) {
  const auto cases = small_run();
  const json good = json::from_cbor(checkpoint_payload(valid_checkpoint(cases[0])));
  const std::vector<std::pair<std::string, std::function<void(json&)>>> damage = {
      {"chains 2^60, arrays empty",
       [](json& j) {
         j["current"]["chains"] = uint64_t{1} << 60;
         for (const char* k : {"x", "counters", "moments"}) j["current"][k] = json::array();
       }},
      {"chains 2^63", [](json& j) { j["current"]["chains"] = uint64_t{1} << 63; }},
      {"chains negative", [](json& j) { j["current"]["chains"] = -1; }},
      {"chains fractional", [](json& j) { j["current"]["chains"] = 1.5; }},
      {"dim huge", [](json& j) { j["current"]["dim"] = uint64_t{1} << 40; }},
      {"observed 5", [](json& j) { j["current"]["observed"] = 5; }},
      {"x a string", [](json& j) { j["current"]["x"] = "abc"; }},
      {"x holds a string", [](json& j) { j["current"]["x"][0] = "abc"; }},
      {"counters negative", [](json& j) { j["current"]["counters"][0] = -1; }},
      {"counter above 2^32", [](json& j) { j["current"]["counters"][0] = uint64_t{1} << 33; }},
      {"pooled of one bin", [](json& j) { j["current"]["pooled"][0] = json::array({1}); }},
      {"pooled holds an object", [](json& j) { j["current"]["pooled"][0] = json::object(); }},
      {"state a number", [](json& j) { j["finished"][0] = 3; }},
      {"finished an object", [](json& j) { j["finished"] = json::object(); }},
      {"field missing", [](json& j) { j["current"].erase("moments"); }},
      {"unknown field", [](json& j) { j["current"]["extra"] = 1; }},
      {"case_index a string", [](json& j) { j["case_index"] = "0"; }},
      {"completed_cases an object", [](json& j) { j["completed_cases"] = json::object(); }},
      {"fingerprint a number", [](json& j) { j["fingerprint"] = 1; }},
      {"magic of another format", [](json& j) { j["magic"] = "orbitmc.checkpoint/9"; }},
      {"not a map", [](json& j) {
         j = json::array({1, 2});
       }}};
  for (const auto& [what, f] : damage) {
    SCOPED_TRACE(what);
    json j = good;
    f(j);
    std::string payload;
    json::to_cbor(j, payload);
    const std::string msg = input_error_of([&] {
      check_checkpoint_matches(parse_checkpoint_bytes(seal_checkpoint(payload), "hand.ck"), cases,
                               "hand.ck");
    });
    EXPECT_TRUE(contains(msg, "--resume") && contains(msg, "hand.ck")) << msg;
  }
  // Deeply nested CBOR (arrays of arrays) is refused before the recursive reader sees it.
  const std::string deep = std::string(100000, '\x81') + '\x00';
  EXPECT_TRUE(contains(input_error_of([&] { parse_checkpoint_bytes(seal_checkpoint(deep), "d"); }),
                       "deeper"));
  // Malformed CBOR and bytes after the document.
  for (const std::string& payload :
       {std::string("\xa1\x61", 2), std::string("\xff"), std::string("\xa0\x00", 2), std::string()})
    EXPECT_TRUE(
        contains(input_error_of([&] { parse_checkpoint_bytes(seal_checkpoint(payload), "m"); }),
                 "--resume"));
}

const char* kCliCase = R"({
  "name": "NAME", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 7, "chains": 60,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 100, "burn_in": 50, "thin": 10},
    "corrected": {"kind": "constrained_projection", "h": 1e-3, "c": 1, "steps": 100, "burn_in": 50, "thin": 10},
    "uncorrected": {"kind": "constrained_projection", "h": 1e-3, "c": 0, "steps": 100, "burn_in": 50, "thin": 10, "expect": "reject"}
  }
})";

std::string cli_case(const std::string& name) {
  std::string text = kCliCase;
  text.replace(text.find("NAME"), 4, name);
  return text;
}

CaseSpec load_as_the_suite_does(const std::filesystem::path& p) {
  CaseSpec c = load_case_file(p.string());
  apply_overrides(c, CaseOverrides{});
  return c;
}

TEST(CheckpointCli, ACorruptByteIsRefusedOnResume) {
  const auto dir = temp_dir("checkpoint-cli-corrupt");
  write_text(dir / "case.json", cli_case("corruptible"));
  const std::string ck = (dir / "run.ck").string();
  const std::string run = "run " + (dir / "case.json").string() + " --backend cpu --quiet ";
  const auto killed =
      run_cli(run + "--checkpoint " + ck + " --checkpoint-every 40 --out " + (dir / "a").string(),
              "ORBITMC_ABORT_AFTER_CHECKPOINTS=1");
  ASSERT_EQ(killed.code, 137) << killed.output;
  // The file the run wrote is intact and fits the run...
  EXPECT_NO_THROW(check_checkpoint_matches(load_checkpoint(ck),
                                           {load_as_the_suite_does(dir / "case.json")}, ck));
  // ...until one byte of it changes: here the lowest bit of a stored value, which a reader
  // without a checksum resumed silently, with other numbers.
  std::string bytes = read_bytes(ck);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  write_bytes(ck, bytes);
  const auto r =
      run_cli(run + "--resume " + ck + " --checkpoint-every 40 --out " + (dir / "b").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--resume") && contains(r.output, "corrupt")) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "b" / "report.json"));
}

TEST(CheckpointCli, ResumeOfAFolderIsRefused) {
  const auto dir = temp_dir("checkpoint-cli-folder");
  write_text(dir / "case.json", cli_case("folder"));
  const auto r =
      run_cli("run " + (dir / "case.json").string() + " --backend cpu --quiet --resume " +
              dir.string() + " --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--resume") && contains(r.output, "folder")) << r.output;
}

// A checkpoint of a suite killed in its second case (one case completed) fits that suite: the
// checks refuse no checkpoint a run really writes.
TEST(CheckpointCli, ACheckpointInTheSecondCaseFitsItsSuite) {
  const auto dir = temp_dir("checkpoint-cli-suite");
  std::filesystem::create_directories(dir / "cases");
  write_text(dir / "cases" / "a.json", cli_case("first"));
  write_text(dir / "cases" / "b.json", cli_case("second"));
  const std::string ck = (dir / "run.ck").string();
  // 3 checkpoints per sampler (after 40, 80 and 100 steps), 9 in the first case: the 11th is
  // the second one of the second case's first sampler.
  const auto killed = run_cli("validate --cases " + (dir / "cases").string() +
                                  " --backend cpu --quiet --no-html --checkpoint " + ck +
                                  " --checkpoint-every 40 --out " + (dir / "a").string(),
                              "ORBITMC_ABORT_AFTER_CHECKPOINTS=11");
  ASSERT_EQ(killed.code, 137) << killed.output;
  const Checkpoint c = load_checkpoint(ck);
  EXPECT_EQ(c.case_index, 1u);
  EXPECT_EQ(c.completed_cases.size(), 1u);
  EXPECT_EQ(c.current.next_step, 80u);
  const std::vector<CaseSpec> cases = {load_as_the_suite_does(dir / "cases" / "a.json"),
                                       load_as_the_suite_does(dir / "cases" / "b.json")};
  EXPECT_NO_THROW(check_checkpoint_matches(c, cases, ck));
  // The same file does not fit a suite of the second case alone.
  EXPECT_TRUE(
      contains(input_error_of([&] { check_checkpoint_matches(c, {cases[1]}, ck); }), "case_index"));
  // Nor one whose report entry of the first case is not one.
  for (const json& entry : {json(1), json{{"name", "second"}, {"pass", true}},
                            json{{"name", "first"}, {"pass", "yes"}}}) {
    Checkpoint other = c;
    other.completed_cases[0] = entry;
    EXPECT_TRUE(contains(input_error_of([&] { check_checkpoint_matches(other, cases, ck); }),
                         "completed_cases[0]"))
        << entry;
  }
}

}  // namespace
}  // namespace orbitmc
