// Checkpoints of a validation run: the cases already finished (their report entries), and for
// the case in progress the ensemble state of every sampler run so far, the last one possibly
// mid-way. Written atomically (temporary file, then rename) in CBOR, so a killed run leaves
// either the previous checkpoint or the new one, never a torn file.
//
// File format "orbitmc.checkpoint/2": the CBOR payload (a map whose "magic" names the format),
// then a 16-byte trailer: the payload's length and the FNV-1a-64 checksum of everything before
// it, both as 8 little-endian bytes. A file is resumed only when the checksum matches, its
// fields have the right types and sizes (parse_checkpoint_bytes), and every state fits the run
// it resumes (check_checkpoint_matches): a damaged or hand-made file is an InputError, never a
// crash or a run with different numbers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cases/case_file.hpp"
#include "ensemble/ensemble_state.hpp"

namespace orbitmc {

// How a checkpoint is split over the ranks of an MPI run (checkpoint/checkpoint_parts.hpp).
// With R > 1 ranks the file at the checkpoint path is a manifest: what a one-process checkpoint
// holds less the states, which are in R part files, rank r's holding its range of chains of every
// state. The manifest names the generation of part files it commits, and what every part holds, so
// a part of another generation, rank or content is refused before any rank samples.
struct CheckpointParts {
  uint64_t ranks = 0;       // 0: a whole checkpoint (one process wrote it); R: a manifest or part
  uint64_t generation = 0;  // the set of part files a manifest commits
  int64_t rank = -1;        // a part file's rank; -1 in a manifest
  // The manifest's: the finished samplers of the case in progress, and the sampler running (if
  // has_current) at step current_step.
  uint64_t finished = 0;
  bool has_current = false;
  uint64_t current_step = 0;

  bool is_manifest() const { return ranks > 0 && rank < 0; }
  bool is_part() const { return ranks > 0 && rank >= 0; }
};

struct Checkpoint {
  std::string fingerprint;              // identifies the run (case files, overrides, backend)
  nlohmann::json completed_cases;       // report entries of the finished cases
  size_t case_index = 0;                // the case in progress
  std::vector<EnsembleState> finished;  // its samplers already run, in case order
  EnsembleState current;                // the sampler in progress (empty if none)
  CheckpointParts parts;                // ranks == 0 for a checkpoint that holds every state
};

void save_checkpoint(const std::string& path, const Checkpoint& c);
// Reads a checkpoint file and parses it (parse_checkpoint_bytes). Throws InputError naming
// --resume when the file is missing, not a regular file, unreadable, corrupt or not an orbitmc
// checkpoint of this format.
Checkpoint load_checkpoint(const std::string& path);
// Parses the bytes of a checkpoint file (`path` only names it in messages): checks the trailer,
// the format and every field's type, and that each state's arrays agree with its own counts.
// Throws InputError only (allocations stay bounded by the input's size).
Checkpoint parse_checkpoint_bytes(const std::string& bytes, const std::string& path);
// Checks, before anything uses it, that a parsed checkpoint fits the run that resumes it: the
// case index, the completed cases, the number of samplers, and every state's sizes and step
// against its sampler's RunSpec (for a manifest: what it says its parts hold). Throws
// InputError naming --resume, the path and the mismatch.
void check_checkpoint_matches(const Checkpoint& ck, const std::vector<CaseSpec>& cases,
                              const std::string& path);
// The same for part `part` of the checkpoint whose manifest is `manifest` (already checked):
// same run, case and generation, the states the manifest announces, each holding exactly the
// chains of range_of(chains, part.rank, ranks) of its sampler. `path` names the part file.
void check_part_matches(const Checkpoint& part, const Checkpoint& manifest, const CaseSpec& c,
                        uint64_t rank, const std::string& path);

// The pieces of the format, for tests and the fuzzer: the CBOR payload of a checkpoint, the
// checksum, and a payload with its trailer appended (the bytes of a file).
std::string checkpoint_payload(const Checkpoint& c);
uint64_t fnv1a64(const std::string& bytes, size_t count);
std::string seal_checkpoint(const std::string& payload);

// A state's fields; "first_chain" (absent: 0) places a part's chains in the ensemble.
nlohmann::json state_to_json(const EnsembleState& s);
// Throws InputError (its message names `where`, e.g. "finished[1]") when a field is missing or
// of the wrong type, or the arrays disagree with the state's counts.
EnsembleState state_from_json(const nlohmann::json& j, const std::string& where = "state");

}  // namespace orbitmc
