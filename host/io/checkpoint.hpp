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

#include "run/ensemble_state.hpp"
#include "validate/case_file.hpp"

namespace orbitmc {

struct Checkpoint {
  std::string fingerprint;              // identifies the run (case files, overrides, backend)
  nlohmann::json completed_cases;       // report entries of the finished cases
  size_t case_index = 0;                // the case in progress
  std::vector<EnsembleState> finished;  // its samplers already run, in case order
  EnsembleState current;                // the sampler in progress (empty if none)
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
// against its sampler's RunSpec. Throws InputError naming --resume, the path and the mismatch.
void check_checkpoint_matches(const Checkpoint& ck, const std::vector<CaseSpec>& cases,
                              const std::string& path);

// The pieces of the format, for tests and the fuzzer: the CBOR payload of a checkpoint, the
// checksum, and a payload with its trailer appended (the bytes of a file).
std::string checkpoint_payload(const Checkpoint& c);
uint64_t fnv1a64(const std::string& bytes, size_t count);
std::string seal_checkpoint(const std::string& payload);

nlohmann::json state_to_json(const EnsembleState& s);
// Throws InputError (its message names `where`, e.g. "finished[1]") when a field is missing or
// of the wrong type, or the arrays disagree with the state's counts.
EnsembleState state_from_json(const nlohmann::json& j, const std::string& where = "state");

}  // namespace orbitmc
