// The part files of a checkpoint over MPI ranks: naming, cutting, reading back (re-split when
// the number of ranks changed) and the write-commit-clean protocol of checkpoint_parts.hpp.
#include "checkpoint/checkpoint_parts.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "ensemble/ensemble_slices.hpp"
#include "input_error.hpp"
#include "parallel/ranks.hpp"

namespace orbitmc {

std::string checkpoint_part_path(const std::string& path, uint64_t generation, uint64_t rank,
                                 uint64_t ranks) {
  return path + ".g" + std::to_string(generation) + ".part" + std::to_string(rank) + "of" +
         std::to_string(ranks);
}

Checkpoint load_checkpoint_share(const Checkpoint& manifest, const std::string& path,
                                 const CaseSpec& c, uint64_t rank, uint64_t ranks) {
  const CheckpointParts& m = manifest.parts;
  Checkpoint out;
  out.fingerprint = manifest.fingerprint;
  out.completed_cases = manifest.completed_cases;
  out.case_index = manifest.case_index;
  out.parts = m;

  // States: the finished samplers, then the one in progress. Each part file is read once, cut
  // to the pieces of this rank's range, and dropped: a rank holds its range, not whole parts.
  const size_t states = m.finished + (m.has_current ? 1 : 0);
  std::vector<std::vector<EnsembleState>> pieces(states);
  for (uint64_t k = 0; k < m.ranks; ++k) {
    struct Cut {
      size_t state;
      parallel::Range chains;  // the overlap of part k's range and this rank's
      bool owns;  // part k's first chain is in this rank's range: its pooled histograms come here
    };
    std::vector<Cut> cuts;
    for (size_t i = 0; i < states; ++i) {
      const uint64_t chains = c.samplers[i].spec.chains;
      const parallel::Range want = parallel::range_of(chains, rank, ranks);
      const parallel::Range have = parallel::range_of(chains, k, m.ranks);
      const uint64_t lo = std::max(have.first, want.first);
      const uint64_t hi = std::min(have.first + have.count, want.first + want.count);
      const bool owns = have.first >= want.first && have.first < want.first + want.count;
      if (lo < hi) cuts.push_back({i, parallel::Range{lo, hi - lo}, owns});
    }
    if (cuts.empty()) continue;
    const std::string file = checkpoint_part_path(path, m.generation, k, m.ranks);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
      bad_input("--resume", path,
                "names part file " + file + " (rank " + std::to_string(k) + " of " +
                    std::to_string(m.ranks) + "), which is missing: the checkpoint's folder " +
                    "must be one that every rank sees");
    const Checkpoint part = load_checkpoint(file);
    check_part_matches(part, manifest, c, k, file);
    for (const Cut& cut : cuts) {
      const EnsembleState& st = cut.state < m.finished ? part.finished[cut.state] : part.current;
      pieces[cut.state].push_back(slice_state(st, cut.chains.first, cut.chains.count, cut.owns));
    }
  }
  for (size_t i = 0; i < m.finished; ++i) out.finished.push_back(join_states(pieces[i]));
  if (m.has_current) out.current = join_states(pieces[m.finished]);
  return out;
}

bool parse_part_file_name(const std::string& file_name, const std::string& checkpoint_name,
                          PartFileName& out) {
  const std::string head = checkpoint_name + ".g";
  if (file_name.compare(0, head.size(), head) != 0) return false;
  size_t at = head.size();
  // Digits (at least one, at most 19: no overflow) at `at`, then the literal `then`.
  const auto number = [&](uint64_t& v, const char* then) {
    const size_t from = at;
    v = 0;
    while (at < file_name.size() && at - from < 19 && file_name[at] >= '0' && file_name[at] <= '9')
      v = 10 * v + static_cast<uint64_t>(file_name[at++] - '0');
    if (at == from) return false;
    const std::string lit(then);
    if (file_name.compare(at, lit.size(), lit) != 0) return false;
    at += lit.size();
    return true;
  };
  PartFileName p;
  if (!number(p.generation, ".part") || !number(p.rank, "of") || !number(p.ranks, "")) return false;
  if (at != file_name.size()) {
    if (file_name.compare(at, 5, ".tmp.") != 0) return false;
    p.temporary = true;
  }
  out = p;
  return true;
}

namespace {
// Every part file (or temporary of one) beside the checkpoint at `path`.
std::vector<std::pair<std::filesystem::path, PartFileName>> part_files(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  const std::string name = p.filename().string();
  std::vector<std::pair<fs::path, PartFileName>> out;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    PartFileName parsed;
    if (parse_part_file_name(it->path().filename().string(), name, parsed))
      out.emplace_back(it->path(), parsed);
  }
  return out;
}
}  // namespace

CheckpointWriter::CheckpointWriter(std::string path) : path_(std::move(path)) {
  uint64_t highest = 0;
  if (!path_.empty())
    for (const auto& [file, name] : part_files(path_)) highest = std::max(highest, name.generation);
  // The same on every rank, whatever each one saw of a file system being written.
  generation_ = parallel::max_all(highest);
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
  next.generation = ++generation_;
  Checkpoint part;
  part.fingerprint = fingerprint;
  part.case_index = case_index;
  part.completed_cases = nlohmann::json::array();
  part.parts = next;
  part.parts.rank = static_cast<int64_t>(rank);
  // Each rank holds its own chains for the whole run (parallel/ranks.hpp): the part is them.
  const auto own = [&](const EnsembleState& st, size_t sampler) {
    const parallel::Range mine = parallel::range_of(c.samplers[sampler].spec.chains, rank, ranks);
    if (st.first_chain != mine.first || st.chains != mine.count)
      throw std::logic_error("CheckpointWriter: a state that is not this rank's range of chains");
    return st;
  };
  for (size_t i = 0; i < finished.size(); ++i) part.finished.push_back(own(finished[i], i));
  if (current.initialised()) part.current = own(current, finished.size());
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
  parallel::barrier();  // the manifest names the new parts: the older generations are free
  if (!parallel::root()) return;
  // Only generations below the committed one: the other ranks are already writing the next
  // generation's parts (and their temporaries) while rank 0 cleans up, and the next manifest
  // will name them. Removing "everything but the committed parts" raced with those writes.
  for (const auto& [file, name] : part_files(path_)) {
    const bool older = pending_.ranks == 0 || name.generation < pending_.generation;
    std::error_code ec;  // a file already gone (removed by hand) is no error
    if (older) std::filesystem::remove(file, ec);
  }
}

}  // namespace orbitmc
