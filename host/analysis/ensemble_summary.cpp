// Quantiles and the Wilson interval for ensemble summaries.
#include "analysis/ensemble_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace orbitmc::analysis {

double quantile_sorted(const std::vector<double>& v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double at = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (at - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

Band band(std::vector<double> values) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double x) { return !std::isfinite(x); }),
      values.end());
  std::sort(values.begin(), values.end());
  return {quantile_sorted(values, 0.05), quantile_sorted(values, 0.5),
          quantile_sorted(values, 0.95), values.size()};
}

Interval wilson_interval(uint64_t successes, uint64_t trials, double z) {
  if (trials == 0) return {0, 1};
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n;
  const double z2 = z * z, denom = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace orbitmc::analysis
