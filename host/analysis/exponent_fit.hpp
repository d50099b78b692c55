// Maximum-likelihood fit of the correction scale c (THEORY §4, "the correction exponent as one
// number"): reduces the theorem's prediction to one measured figure ĉ with a confidence interval.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace orbitmc::analysis {

struct ExponentFit {
  double c_hat = 0, std_error = 0, ci_lo = 0, ci_hi = 0, log_likelihood = 0;
  // True when ĉ is interior to [c_min, c_max], the observed information is positive and both
  // confidence limits were found inside [c_min, c_max]. When false, a confidence limit that could
  // not be found is clamped to c_min / c_max: widen the search range.
  bool converged = false;
};

// Binned maximum-likelihood fit of c. Bin k of `counts` (equal bins of [lo, hi]) has probability
// ∫_bin exp(log_density(x, c)) dx / ∫_[lo,hi] exp(log_density(x, c)) dx, i.e. the model is
// conditioned on the histogram range. Σ counts_k log p_k(c) is maximised over [c_min, c_max] by a
// coarse scan followed by Brent's method (the likelihood is unimodal in practice; the scan guards
// against a poor bracket). std_error = 1/√(observed information), from a central second
// difference with a step of about one standard error. The CI is the profile-likelihood interval
// where logL drops by quantile(χ²₁, level)/2 (1.92 for 95 %).
// The family must be normalisable on [lo, hi] for every c in range; values of c where the
// quadrature fails count as likelihood −inf; std::invalid_argument from log_density propagates.
// Throws std::invalid_argument for empty / all-zero counts, lo >= hi, c_min >= c_max, non-finite
// bounds, or level outside (0, 1).
ExponentFit fit_exponent(const std::vector<uint64_t>& counts, double lo, double hi,
                         const std::function<double(double x, double c)>& log_density, double c_min,
                         double c_max, double level = 0.95);

}  // namespace orbitmc::analysis
