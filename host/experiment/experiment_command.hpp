// `orbitmc experiment`: checks everything (settings, noise models, backend, memory, output
// folder) before any training, runs the ensemble, writes DIR/experiment.json after every run
// (marked incomplete until the last, and on an interrupt), prints the summary, and (unless
// --no-html) renders DIR/page/index.html.
#pragma once

#include <string>

#include "experiment/experiment_spec.hpp"

namespace orbitmc {

struct ExperimentOptions {
  ExperimentSpec spec;
  bool progress = true;
  bool html = true;
  bool save_states = false;  // DIR/states/*.npy: problems, and each run's first and last states
  std::string source_file;   // the experiment file read (empty: a name): never overwritten
};

// The process exit status: 0 when every run finished.
int run_experiment_command(const ExperimentOptions& opt);

}  // namespace orbitmc
