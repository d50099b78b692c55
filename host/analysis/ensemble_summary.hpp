// Summaries of one number per seed across an ensemble of trainings: quantiles (the median and
// the 5–95 % band the experiment pages plot) and the Wilson interval of a fraction of seeds.
#pragma once

#include <cstdint>
#include <vector>

namespace orbitmc::analysis {

struct Band {
  double q05 = 0, median = 0, q95 = 0;
  uint64_t count = 0;  // finite values summarised (NaN marks a seed left out: diverged)
};

// Quantiles by linear interpolation between order statistics (NumPy's default), over the
// finite values; an empty set gives NaNs and count 0.
Band band(std::vector<double> values);
// The q-quantile (0 ≤ q ≤ 1) of sorted finite values, by the same rule.
double quantile_sorted(const std::vector<double>& sorted, double q);

// Wilson score interval for `successes` out of `trials` at normal quantile z (1.96: 95 %).
struct Interval {
  double lo = 0, hi = 1;
};
Interval wilson_interval(uint64_t successes, uint64_t trials, double z = 1.959963984540054);

}  // namespace orbitmc::analysis
