// Reweighted two-sample χ² over a grid of correction scales.
#include "analysis/correction_scan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace orbitmc {
namespace analysis {

namespace {

// Two-sample χ² between counts a (unweighted) and a weighted histogram (sum w, sum w² per bin),
// each normalised to a probability: Σ (p_a − p_w)² / (var_a + var_w), over bins with data.
double weighted_chi2(const std::vector<uint64_t>& a, const std::vector<double>& w,
                     const std::vector<double>& w2, double* dof, double* n_eff) {
  double na = 0, nw = 0, nw2 = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    na += static_cast<double>(a[k]);
    nw += w[k];
    nw2 += w2[k];
  }
  const double ess = nw * nw / nw2;  // Kish effective sample size of the weighted sample
  double chi2 = 0;
  int used = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] == 0 && w[k] == 0) continue;
    const double pa = a[k] / na, pw = w[k] / nw;
    const double var = a[k] / (na * na) + w2[k] / (nw * nw);
    if (var <= 0) continue;
    chi2 += (pa - pw) * (pa - pw) / var;
    ++used;
  }
  *dof = std::max(1, used - 1);
  *n_eff = na * ess / (na + ess);
  return chi2;
}

}  // namespace

CorrectionScan scan_correction(const std::vector<uint64_t>& reference, double lo, double hi,
                               const std::vector<ScanSource>& sources, double c_from, double c_to,
                               double c_step) {
  if (sources.empty()) throw std::invalid_argument("scan_correction: no constrained samples");
  if (!(lo < hi)) throw std::invalid_argument("scan_correction: need lo < hi");
  if (!(c_step > 0) || !(c_from < c_to))
    throw std::invalid_argument("scan_correction: need c_from < c_to and c_step > 0, got step " +
                                std::to_string(c_step));
  const int bins = static_cast<int>(reference.size());
  CorrectionScan scan;
  const int points = static_cast<int>(std::floor((c_to - c_from) / c_step + 1e-9)) + 1;
  std::vector<double> w(bins), w2(bins);
  for (int p = 0; p < points; ++p) {
    const double c = c_from + p * c_step;
    const ScanSource* src = &sources[0];
    for (const auto& s : sources)
      if (std::fabs(s.c - c) < std::fabs(src->c - c)) src = &s;
    // Weights relative to the largest log weight, so the exponentials cannot overflow.
    const double f = -0.5 * (c - src->c);
    double top = -std::numeric_limits<double>::infinity();
    for (double g : src->log_det_g) top = std::max(top, f * g);
    std::fill(w.begin(), w.end(), 0.0);
    std::fill(w2.begin(), w2.end(), 0.0);
    for (size_t i = 0; i < src->x.size(); ++i) {
      const double v = src->x[i];
      if (!(v >= lo && v < hi)) continue;
      const int b = std::min(bins - 1, static_cast<int>((v - lo) / (hi - lo) * bins));
      const double wi = std::exp(f * src->log_det_g[i] - top);
      w[b] += wi;
      w2[b] += wi * wi;
    }
    double dof = 0, n_eff = 0;
    const double chi2 = weighted_chi2(reference, w, w2, &dof, &n_eff);
    scan.c.push_back(c);
    scan.chi2.push_back(chi2);
    scan.distance.push_back((chi2 - dof) / n_eff);
    scan.distance_err.push_back(std::sqrt(2 * dof) / n_eff);
    scan.dof = dof;
  }
  const size_t m = std::min_element(scan.chi2.begin(), scan.chi2.end()) - scan.chi2.begin();
  scan.c_min = scan.c[m];
  if (m > 0 && m + 1 < scan.c.size()) {  // vertex of the parabola through the three points
    const double y0 = scan.chi2[m - 1], y1 = scan.chi2[m], y2 = scan.chi2[m + 1];
    const double den = y0 - 2 * y1 + y2;
    if (den > 0) scan.c_min = scan.c[m] + 0.5 * c_step * (y0 - y2) / den;
  }
  const double level = scan.chi2[m] + 3.84;
  scan.ci_lo = scan.c.front();
  scan.ci_hi = scan.c.back();
  bool found_lo = false, found_hi = false;
  for (size_t i = m; i > 0; --i)
    if (scan.chi2[i - 1] > level) {
      const double t = (level - scan.chi2[i]) / (scan.chi2[i - 1] - scan.chi2[i]);
      scan.ci_lo = scan.c[i] - t * c_step;
      found_lo = true;
      break;
    }
  for (size_t i = m; i + 1 < scan.c.size(); ++i)
    if (scan.chi2[i + 1] > level) {
      const double t = (level - scan.chi2[i]) / (scan.chi2[i + 1] - scan.chi2[i]);
      scan.ci_hi = scan.c[i] + t * c_step;
      found_hi = true;
      break;
    }
  scan.bracketed = found_lo && found_hi;
  return scan;
}

}  // namespace analysis
}  // namespace orbitmc
