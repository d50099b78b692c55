// The correction-scale scan (THEORY §3, §6): constrained samples drawn at c_src are reweighted by
// det G^{-(c − c_src)/2} to any c (the constrained law is exp(−βL)·det G^{−c/2} dσ), and the
// reweighted histogram is compared with the ambient-stiff histogram by a two-sample χ². The c
// that minimises it estimates the correction the ambient dynamics realises; the theorem says 1.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace orbitmc {
namespace analysis {

struct ScanSource {
  double c = 0;                   // correction scale the samples were drawn with
  std::vector<double> x;          // orbit coordinate of each sample (this process's)
  std::vector<double> log_det_g;  // log det G of each sample
};

// How the scan completes what it computes over its samples when they are split between
// processes (MPI ranks): the element-wise largest log weights, and element-wise sums of
// integers. Left empty: one process holds every sample.
struct ScanReduce {
  std::function<void(std::vector<double>&)> max;
  std::function<void(std::vector<int64_t>&)> sum;
};

struct CorrectionScan {
  std::vector<double> c;         // grid
  std::vector<double> chi2;      // two-sample χ² at each c
  std::vector<double> distance;  // (χ² − dof) / N_eff: debiased, 0 in expectation at the truth
  std::vector<double> distance_err;  // its standard error sqrt(2 dof) / N_eff under the null
  double dof = 0;
  double c_min = 0;  // grid point of the smallest χ², refined by a parabola through neighbours
  double ci_lo = 0;  // where χ² rises by 3.84 (95 %) on either side, interpolated
  double ci_hi = 0;
  bool bracketed = false;  // both CI ends found inside the grid
};

// reference: histogram (bins only) of the ambient samples on [lo, hi). For each c of the grid
// the source with the nearest c_src is reweighted. The weighted histograms are fixed-point sums
// (each weight relative to the largest of its bin, so at most 1, in units of 2^-90, in 128-bit
// integers; the bins rescaled after the sum), so they do not depend on the order of the samples
// or on how `reduce` split them: the same scan on any number of ranks. A NaN or +inf log weight
// in the window makes that point's χ² NaN (never the minimum); -inf is a weight of 0.
CorrectionScan scan_correction(const std::vector<uint64_t>& reference, double lo, double hi,
                               const std::vector<ScanSource>& sources, double c_from, double c_to,
                               double c_step, const ScanReduce& reduce = {});

}  // namespace analysis
}  // namespace orbitmc
