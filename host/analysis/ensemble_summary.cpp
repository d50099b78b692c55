// Quantiles and the Wilson interval for ensemble summaries.
#include "analysis/ensemble_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
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
  if (values.empty())
    return {quantile_sorted(values, 0.05), quantile_sorted(values, 0.5),
            quantile_sorted(values, 0.95), 0};
  // The order statistics quantile_sorted would read, by selection instead of a full sort (an
  // experiment takes a band of every label of every series at every log point): each
  // std::nth_element works on what lies above the previous position, so the three quantiles
  // cost O(n) and are the sorted rule's values bit for bit.
  const size_t n = values.size();
  size_t from = 0;
  auto quantile = [&](double q) {
    const double at = q * static_cast<double>(n - 1);
    const size_t lo = static_cast<size_t>(std::floor(at));
    const auto base = values.begin();
    std::nth_element(base + static_cast<std::ptrdiff_t>(from),
                     base + static_cast<std::ptrdiff_t>(lo), values.end());
    from = lo;
    const double a = values[lo];
    const double b =
        lo + 1 < n ? *std::min_element(base + static_cast<std::ptrdiff_t>(lo + 1), values.end())
                   : a;
    return a + (at - static_cast<double>(lo)) * (b - a);
  };
  const double q05 = quantile(0.05), median = quantile(0.5), q95 = quantile(0.95);
  return {q05, median, q95, n};
}

Interval wilson_interval(uint64_t successes, uint64_t trials, double z) {
  if (trials == 0) return {0, 1};
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n;
  const double z2 = z * z, denom = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  // At 0 or n successes one end is exactly 0 or 1 (centre ∓ half cancel only to rounding).
  return {successes == 0 ? 0.0 : std::max(0.0, centre - half),
          successes == trials ? 1.0 : std::min(1.0, centre + half)};
}

}  // namespace orbitmc::analysis
