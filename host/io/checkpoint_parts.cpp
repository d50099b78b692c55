// The part files of a checkpoint over MPI ranks: naming, cutting, reading back (re-split when
// the number of ranks changed) and the write-commit-clean protocol of checkpoint_parts.hpp.
#include "io/checkpoint_parts.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include "input_error.hpp"
#include "parallel/ranks.hpp"
#include "run/ensemble_slices.hpp"

namespace orbitmc {

std::string checkpoint_part_path(const std::string& path, uint64_t generation, uint64_t rank,
                                 uint64_t ranks) {
  return path + ".g" + std::to_string(generation) + ".part" + std::to_string(rank) + "of" +
         std::to_string(ranks);
}

EnsembleState part_of_state(const EnsembleState& s, uint64_t chains, uint64_t rank,
                            uint64_t ranks) {
  const parallel::Range want = parallel::range_of(chains, rank, ranks);
  const bool already = s.first_chain == want.first && s.chains == want.count;
  return slice_state(s, want.first, want.count, already || rank == 0);
}

Checkpoint load_checkpoint_share(const Checkpoint& manifest, const std::string& path,
                                 const CaseSpec& c, uint64_t rank, uint64_t ranks) {
  const CheckpointParts& m = manifest.parts;
  Checkpoint out;
  out.fingerprint = manifest.fingerprint;
  out.completed_cases = manifest.completed_cases;
  out.case_index = manifest.case_index;
  out.parts = m;

  std::map<uint64_t, Checkpoint> parts;  // the part files read so far, by their rank
  const auto part = [&](uint64_t k) -> const Checkpoint& {
    const auto it = parts.find(k);
    if (it != parts.end()) return it->second;
    const std::string file = checkpoint_part_path(path, m.generation, k, m.ranks);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
      bad_input("--resume", path,
                "names part file " + file + " (rank " + std::to_string(k) + " of " +
                    std::to_string(m.ranks) + "), which is missing: the checkpoint's folder " +
                    "must be one that every rank sees");
    Checkpoint p = load_checkpoint(file);
    check_part_matches(p, manifest, c, k, file);
    return parts.emplace(k, std::move(p)).first->second;
  };
  // This rank's range of state `i` (a finished sampler, or the current one when i == finished),
  // from the pieces of the parts that overlap it, in chain order.
  const auto share = [&](size_t i) {
    const uint64_t chains = c.samplers[i].spec.chains;
    const parallel::Range want = parallel::range_of(chains, rank, ranks);
    std::vector<EnsembleState> pieces;
    for (uint64_t k = 0; k < m.ranks; ++k) {
      const parallel::Range have = parallel::range_of(chains, k, m.ranks);
      const uint64_t lo = std::max(have.first, want.first);
      const uint64_t hi = std::min(have.first + have.count, want.first + want.count);
      if (lo >= hi) continue;
      const EnsembleState& s = i < m.finished ? part(k).finished[i] : part(k).current;
      const bool owns = have.first >= want.first && have.first < want.first + want.count;
      pieces.push_back(slice_state(s, lo, hi - lo, owns));
    }
    return join_states(pieces);
  };
  for (size_t i = 0; i < m.finished; ++i) out.finished.push_back(share(i));
  if (m.has_current) out.current = share(m.finished);
  return out;
}

CheckpointWriter::CheckpointWriter(std::string path, const CheckpointParts& resumed)
    : path_(std::move(path)), previous_(resumed) {
  pending_.generation = resumed.generation;
}

Checkpoint CheckpointWriter::write_part(const std::string& fingerprint, size_t case_index,
                                        const CaseSpec& c,
                                        const std::vector<EnsembleState>& finished,
                                        const EnsembleState& current) {
  const auto ranks = static_cast<uint64_t>(parallel::size());
  const auto rank = static_cast<uint64_t>(parallel::rank());
  Checkpoint top;
  top.fingerprint = fingerprint;
  top.case_index = case_index;
  if (ranks == 1) {
    top.finished = finished;
    top.current = current;
    pending_ = CheckpointParts{};
    return top;
  }
  CheckpointParts next;
  next.ranks = ranks;
  next.generation = std::max(pending_.generation, previous_.generation) + 1;
  Checkpoint part;
  part.fingerprint = fingerprint;
  part.case_index = case_index;
  part.completed_cases = nlohmann::json::array();
  part.parts = next;
  part.parts.rank = static_cast<int64_t>(rank);
  for (size_t i = 0; i < finished.size(); ++i)
    part.finished.push_back(part_of_state(finished[i], c.samplers[i].spec.chains, rank, ranks));
  if (current.initialised())
    part.current = part_of_state(current, c.samplers[finished.size()].spec.chains, rank, ranks);
  save_checkpoint(checkpoint_part_path(path_, next.generation, rank, ranks), part);
  parallel::barrier();  // every part is on disk before the manifest names them

  next.finished = finished.size();
  next.has_current = current.initialised();
  next.current_step = current.next_step;
  top.parts = next;
  pending_ = next;
  return top;
}

void CheckpointWriter::commit(const Checkpoint& top) const { save_checkpoint(path_, top); }

void CheckpointWriter::finish() {
  parallel::barrier();  // the manifest names the new parts: the previous ones are free
  const bool same =
      previous_.ranks == pending_.ranks && previous_.generation == pending_.generation;
  if (previous_.ranks > 0 && !same) {
    const auto ranks = static_cast<uint64_t>(parallel::size());
    for (auto k = static_cast<uint64_t>(parallel::rank()); k < previous_.ranks; k += ranks) {
      std::error_code ec;  // a part already gone (removed by hand) is no error
      std::filesystem::remove(checkpoint_part_path(path_, previous_.generation, k, previous_.ranks),
                              ec);
    }
  }
  previous_ = pending_;
}

}  // namespace orbitmc
