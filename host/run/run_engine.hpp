// Runs one RunSpec to the end on a backend, in segments: between segments it reports progress
// and (when asked) writes a checkpoint, so a long run can be watched, interrupted and resumed.
#pragma once

#include <functional>
#include <string>

#include "analysis/convergence.hpp"
#include "backend/backend.hpp"

namespace orbitmc {

struct RunControl {
  uint64_t segment_steps = 0;  // steps per segment; 0: `segments` equal segments
  uint64_t segments = 1;
  std::string label;  // what is running, for progress lines
  // Called after each segment with (label, steps done, total steps, seconds so far).
  std::function<void(const std::string&, uint64_t, uint64_t, double)> on_segment;
  // Called after each segment with the state (for checkpoints).
  std::function<void(const EnsembleState&)> on_state;
};

struct RunOutcome {
  EnsembleState state;
  double seconds = 0;
  std::string backend;
};

// Advances `state` (fresh or resumed) to spec.schedule.steps.
void run_to_end(Backend& backend, const RunSpec& spec, EnsembleState& state,
                const RunControl& control, double* seconds);

// Under MPI the functions below take this rank's range of chains and, but where said, return
// what the whole ensemble gives (the same on every rank, and the one-process result): integer
// counts summed over the ranks, exact sums reduced, per-chain values gathered in chain order.

// Final state of each non-diverged chain binned per observed coordinate: bins + 2 counts
// (the last two are underflow and overflow). Uses the model's own coordinate function.
std::vector<std::vector<uint64_t>> final_histograms(const RunSpec& spec, const EnsembleState& st);

// The in-range bins of a histogram with its underflow and overflow slots at the end.
inline std::vector<uint64_t> in_range_bins(const std::vector<uint64_t>& h) {
  return std::vector<uint64_t>(h.begin(), h.end() - 2);
}

// Final values of observed coordinate k for the non-diverged chains of this rank (under MPI
// the caller reduces what it computes of them: analysis/correction_scan.hpp).
std::vector<double> final_coordinate(const RunSpec& spec, const EnsembleState& st, int k);

// log det G (= log det K, Σ_b log(|u_b|² + |v_b|²)) of each non-diverged chain's final state, in
// the order of final_coordinate (used to reweight constrained samples to another c); this
// rank's chains, like final_coordinate.
std::vector<double> final_log_det_gram(const RunSpec& spec, const EnsembleState& st);

// Imbalance |u_b|² − |v_b|² of block b for each non-diverged chain of the whole ensemble, in
// chain order (gathered from every rank; THEORY §7).
std::vector<double> final_imbalance(const RunSpec& spec, const EnsembleState& st, int b);

// The counters of every chain summed: rejections, failures, diverged chains, and those of them
// stopped by a non-finite observation.
struct ChainTotals {
  uint64_t rejected = 0, failed = 0, diverged = 0, nonfinite = 0;
};
ChainTotals chain_totals(const EnsembleState& st);

// The pooled histogram of observed coordinate k (every kept draw of every chain): bins + 2
// counts as final_histograms gives them.
std::vector<uint64_t> pooled_histogram(const EnsembleState& st, int k);

// The split-half moments of observed coordinate k over every chain not diverged, as exact sums
// (analysis::HalfSums) in two passes (the pooled mean first, then the sums shifted by it): the
// one-process numbers for any split of the chains. Throws std::logic_error for non-finite
// moments of a chain not marked diverged.
analysis::HalfSums split_half_sums(const EnsembleState& st, int k);

}  // namespace orbitmc
