// The correction-scale scan (THEORY §3, §6): constrained samples drawn at c_src are reweighted by
// det G^{-(c − c_src)/2} to any c (the constrained law is exp(−βL)·det G^{−c/2} dσ), and the
// reweighted histogram is compared with the ambient-stiff histogram by a two-sample χ². The c
// that minimises it estimates the correction the ambient dynamics realises; the theorem says 1.
#pragma once

#include <cstdint>
#include <vector>

namespace orbitmc {
namespace analysis {

struct ScanSource {
  double c = 0;                   // correction scale the samples were drawn with
  std::vector<double> x;          // orbit coordinate of each sample
  std::vector<double> log_det_g;  // log det G of each sample
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
// the source with the nearest c_src is reweighted.
CorrectionScan scan_correction(const std::vector<uint64_t>& reference, double lo, double hi,
                               const std::vector<ScanSource>& sources, double c_from, double c_to,
                               double c_step);

}  // namespace analysis
}  // namespace orbitmc
