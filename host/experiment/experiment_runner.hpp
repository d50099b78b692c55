// Runs an experiment ensemble: draws every seed's problem once, then trains each variant under
// each noise model from the same starts, observing the series at the log points (quantile bands
// over seeds), and at the end the final metrics and the balance checks. Then the comparisons of
// designed against baseline variants, seed by seed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "experiment/experiment.hpp"
#include "experiment/experiment_result.hpp"
#include "experiment/experiment_spec.hpp"

namespace orbitmc {

struct RunnerHooks {
  // After each (variant, noise) run, with every result so far.
  std::function<void(const std::vector<RunResult>&)> on_run;
  // Progress: (run label, steps done, steps in the run, seconds so far).
  std::function<void(const std::string&, uint64_t, uint64_t, double)> on_progress;
  // With --save-states: the folder for problems.npy and each run's initial/final states (set on
  // the rank that writes), and on every rank `gather_states`, so that all ranks join the gather
  // of the final states under MPI.
  std::string states_dir;
  bool gather_states = false;
};

// The log points: 0, then every interval (the smallest multiple of log_every keeping at most
// max_points points, step 0 and the last step included), and the last step.
std::vector<uint64_t> log_schedule(uint64_t steps, uint64_t log_every, uint64_t max_points);

// The most memory a seed holds in any of the experiment's jobs (each variant under each noise
// model of `spec`, on `backend`): its data on the host, and everything on the GPU.
struct JobBytes {
  uint64_t host = 0, device = 0;
};
JobBytes job_bytes_per_seed(const Experiment& ex, const ExperimentSpec& spec,
                            const Backend& backend);

// Throws InputError (naming --seeds) when the ensemble's host memory would exceed `budget`
// bytes (0: unknown, no check); `job_host_bytes` from job_bytes_per_seed.
void check_experiment_memory(const Experiment& ex, const ExperimentSpec& spec, uint64_t budget,
                             uint64_t job_host_bytes);

// Trains on `backend` (where the training jobs run: Backend::on_device).
std::vector<RunResult> run_experiment(const Experiment& ex, const ExperimentSpec& spec,
                                      const Backend& backend, const RunnerHooks& hooks);

std::vector<ComparisonResult> compare_variants(const Experiment& ex,
                                               const std::vector<RunResult>& runs);

}  // namespace orbitmc
