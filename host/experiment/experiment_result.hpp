// What an experiment ensemble produced, per (variant, noise model) run: the logged series as
// quantile bands over seeds, the final metrics seed by seed, and the balance checks of
// THEORY §7. The report writer turns it into experiment.json and the printed summary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/ensemble_summary.hpp"

namespace orbitmc {

struct SeriesTrace {
  std::string name, caption;
  std::vector<std::string> labels;
  std::vector<double> reference;                // per label, or empty
  std::vector<std::vector<analysis::Band>> at;  // [log point][label]
};

struct MetricValues {
  std::string name;
  std::vector<double> per_seed;  // NaN for a diverged seed
  analysis::Band band;
};

// THEORY §7 on the blocks' imbalance D = |u|² − |v|².
struct BalanceCheck {
  bool has_blocks = false;
  // gd, sgd: the largest |(D' − D) − η²(|g_u|² − |g_v|²)| / (|u|² + |v|²) over every step,
  // block and seed (float rounding: a few 1e-7).
  double identity_max_relative = 0;
  // gd, sgd, over the whole run, means over seeds and blocks: |Σ η²(|g_u|² − |g_v|²)| (the
  // change of D the identity predicts), |Σ r| = |ΔD − that| (what it misses), and √(Σ r²)
  // (what |Σ r| would be for independent rounding residuals: the floor of the check).
  double change_predicted = 0, change_missed = 0, rounding_walk = 0;
  // langevin: the mean of (D' − D) − η²(|g_u|² − |g_v|²) per step and block, its standard
  // error, and the prediction 2η(n − m)/β.
  double drift_mean = 0, drift_se = 0, drift_expected = 0;
  // Medians over the seeds that did not diverge, at the start and at the end: of the mean over
  // blocks of |log(|u_b|/|v_b|)| (the paper's ratio plot: it also shrinks when the norms grow at
  // fixed D), and of the mean over blocks of |D_b| (what THEORY §7 is about).
  double distance_start = 0, distance_end = 0;
  double imbalance_start = 0, imbalance_end = 0;
  uint64_t steps = 0;
};

struct RunResult {
  std::string variant, role, noise;
  double eta = 0;
  uint64_t seeds = 0, diverged = 0, steps = 0;
  std::vector<uint64_t> log_steps;
  std::vector<SeriesTrace> series;
  std::vector<MetricValues> metrics;
  BalanceCheck balance;
  double seconds = 0;
};

struct ComparisonResult {
  std::string designed, baseline, metric, noise;
  // trials: seeds where at least one of the two is finite (did not diverge); wins: those where
  // the designed one is finite and lower, or the baseline alone diverged.
  uint64_t wins = 0, trials = 0;
  analysis::Interval ci;
};

}  // namespace orbitmc
