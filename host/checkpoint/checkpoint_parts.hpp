// Checkpoints of a run over MPI ranks: each rank writes its own range of chains to a
// part file, and rank 0 commits the set by writing the manifest at the checkpoint path, so no
// rank ever gathers the ensemble for a checkpoint. The protocol keeps a resumable checkpoint
// on disk at every instant, whatever rank dies when:
//   1. every rank writes its part of generation g (PATH.g<g>.part<r>of<R>, atomically);
//   2. once all have (a barrier), rank 0 writes the manifest naming generation g at PATH
//      (atomic rename: the commit point; until then PATH names generation g-1, still on disk);
//   3. after the commit (a barrier), rank 0 removes the parts of earlier generations only: the
//      other ranks may already be writing generation g+1, which the next manifest names.
// Resuming reads the manifest, then on each rank the parts that overlap its range of chains: the
// same number of ranks reads one part each, another number re-splits the ensemble. The part
// files live beside the manifest, so the folder must be one every rank sees (a shared file
// system on a cluster). A one-process run writes one whole file, as before.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cases/case_file.hpp"
#include "checkpoint/checkpoint.hpp"

namespace orbitmc {

// The file of part `rank` of the checkpoint at `path` written by `ranks` ranks.
std::string checkpoint_part_path(const std::string& path, uint64_t generation, uint64_t rank,
                                 uint64_t ranks);

// This rank's share (rank `rank` of `ranks`) of the checkpoint whose checked manifest
// `manifest` was read from `path`: the fingerprint, case and completed cases of the manifest,
// and every state cut to this rank's range (first_chain set), read from the part files that
// overlap it, each checked (check_part_matches) before use. A part's pooled histograms go to
// the rank whose range holds that part's first chain. Throws InputError naming --resume and the
// part file that is missing or does not fit.
Checkpoint load_checkpoint_share(const Checkpoint& manifest, const std::string& path,
                                 const CaseSpec& c, uint64_t rank, uint64_t ranks);

// A part file's name parsed: "<checkpoint file name>.g<generation>.part<rank>of<ranks>", or a
// temporary of one (that name then ".tmp.<pid>.<suffix>", io/atomic_file.hpp).
struct PartFileName {
  uint64_t generation = 0, rank = 0, ranks = 0;
  bool temporary = false;
};
// Whether `file_name` (no folder) is a part file of the checkpoint file named `checkpoint_name`.
bool parse_part_file_name(const std::string& file_name, const std::string& checkpoint_name,
                          PartFileName& out);

// Writes the checkpoints of one run at `path` by the protocol above. Every rank holds one and
// calls write_part, then rank 0 commit, then every rank finish, at each checkpoint.
class CheckpointWriter {
 public:
  // Every rank (collective under MPI): finds the highest generation of part files beside `path`
  // (none: 0), so that this run's generations come after it.
  explicit CheckpointWriter(std::string path);
  // Every rank: writes this rank's part of the checkpoint of run `fingerprint` in case `c`
  // (number `case_index`) when there are several ranks, and waits for every rank's. `finished`
  // and `current` hold this rank's range of chains (std::logic_error otherwise). Returns what
  // rank 0 writes at the path, less the completed cases: with one rank the whole checkpoint,
  // with several the manifest.
  Checkpoint write_part(const std::string& fingerprint, size_t case_index, const CaseSpec& c,
                        const std::vector<EnsembleState>& finished, const EnsembleState& current);
  // Rank 0: writes `top` (write_part's result with the completed cases) at the path.
  void commit(const Checkpoint& top) const;
  // Every rank: waits for the commit; then rank 0 removes the part files (and temporaries of
  // them) of the generations before the committed one. Newer ones are left alone: the other
  // ranks may be writing the next generation already.
  void finish();

 private:
  std::string path_;
  uint64_t generation_ = 0;  // the last generation written (or found beside the path)
  CheckpointParts pending_;  // the parts written by write_part, committed by commit()
};

}  // namespace orbitmc
