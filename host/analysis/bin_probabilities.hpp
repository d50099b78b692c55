// Reference bin probabilities: integrates a (log) density over equal histogram bins, so that the
// sampler's histograms can be compared with the theory by the goodness-of-fit tests.
#pragma once

#include <functional>
#include <vector>

namespace orbitmc::analysis {

// Integrates exp(log_density(x)) over each of `bins` equal bins of [lo, hi] and normalises so the
// probabilities sum to 1. log_density is only evaluated strictly inside (lo, hi), so integrable
// endpoint singularities (x^(-0.5), x^(-0.9) at lo = 0) are allowed; tanh-sinh quadrature handles
// them. The maximum of log_density over a grid is subtracted before exponentiating, so densities
// whose logarithm is e.g. −10⁵ everywhere still work. Returning −inf marks zero density.
// Throws std::invalid_argument for lo >= hi, non-finite bounds, bins < 1, or a density that is
// zero (or NaN) over the whole grid; std::runtime_error if an integral is not finite.
std::vector<double> bin_probabilities(const std::function<double(double)>& log_density, double lo,
                                      double hi, int bins);

}  // namespace orbitmc::analysis
