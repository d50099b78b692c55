// Checkpoints of a validation run: the cases already finished (their report entries), and for
// the case in progress the ensemble state of every sampler run so far, the last one possibly
// mid-way. Written atomically (temporary file, then rename) in CBOR, so a killed run leaves
// either the previous checkpoint or the new one, never a torn file.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ensemble_state.hpp"

namespace orbitmc {

struct Checkpoint {
  std::string fingerprint;              // identifies the run (case files, overrides, backend)
  nlohmann::json completed_cases;       // report entries of the finished cases
  size_t case_index = 0;                // the case in progress
  std::vector<EnsembleState> finished;  // its samplers already run, in case order
  EnsembleState current;                // the sampler in progress (empty if none)
};

void save_checkpoint(const std::string& path, const Checkpoint& c);
// Throws InputError when the file is missing, unreadable or not an orbitmc checkpoint.
Checkpoint load_checkpoint(const std::string& path);

nlohmann::json state_to_json(const EnsembleState& s);
EnsembleState state_from_json(const nlohmann::json& j);

}  // namespace orbitmc
