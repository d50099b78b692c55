// `orbitmc validate`: runs every case of a folder, prints one table row per case and writes
// report.json (and the HTML report) into the output folder.
#pragma once

#include <string>

#include "cases/case_file.hpp"

namespace orbitmc {

struct SuiteOptions {
  std::string cases_dir;
  std::string single_case;  // when set, run only this case file (`orbitmc run`)
  std::string out_dir = "orbitmc-report";
  std::string backend = "auto";
  CaseOverrides overrides;
  bool gpu_scale = false;  // on the CUDA backend, apply_gpu_scale to the overrides
  bool progress = true;
  bool html = true;  // render report/index.html after the run
  std::string command_line;
  std::string checkpoint;         // write checkpoints here (atomically)
  uint64_t checkpoint_every = 0;  // steps between checkpoints (0: 1000 when checkpointing)
  std::string resume;             // continue from this checkpoint
  // Test hook: end the process (status 137, as a kill) right after this many checkpoints were
  // written, to test resuming; 0: never.
  long abort_after_checkpoints = 0;
};

// Returns the process exit code: 0 all cases pass, 1 some case fails.
int run_validation_suite(const SuiteOptions& opt);

}  // namespace orbitmc
