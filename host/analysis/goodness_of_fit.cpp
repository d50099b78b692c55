// One-sample binned tests: histogram against reference probabilities (see goodness_of_fit.hpp).
#include "analysis/goodness_of_fit.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>

#include "analysis/bin_grouping.hpp"
#include "analysis/input_checks.hpp"
#include "analysis/kolmogorov.hpp"

namespace orbitmc::analysis {

TestResult chi2_gof(const std::vector<uint64_t>& counts, const std::vector<double>& probs) {
  const char* where = "chi2_gof";
  const double n = detail::require_counts(counts, where);
  detail::require_same_size(counts.size(), probs.size(), where, "counts", "probs");
  const std::vector<double> p = detail::normalised_probabilities(probs, where);

  std::vector<double> expected(p.size());
  for (std::size_t k = 0; k < p.size(); ++k) expected[k] = n * p[k];
  // Expected >= 5 per cell is the classical condition for the χ² approximation.
  const auto ends = detail::group_adjacent_bins(expected, 5.0);

  TestResult r;
  std::size_t begin = 0;
  for (std::size_t end : ends) {
    double obs = 0, exp = 0;
    for (std::size_t k = begin; k < end; ++k) {
      obs += static_cast<double>(counts[k]);
      exp += expected[k];
    }
    r.statistic += (obs - exp) * (obs - exp) / exp;
    begin = end;
  }
  r.dof = static_cast<double>(ends.size()) - 1;
  if (r.dof < 1) return TestResult{};
  r.p_value = boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(r.dof), r.statistic));
  return r;
}

TestResult ks_binned(const std::vector<uint64_t>& counts, const std::vector<double>& probs) {
  const char* where = "ks_binned";
  const double n = detail::require_counts(counts, where);
  detail::require_same_size(counts.size(), probs.size(), where, "counts", "probs");
  const std::vector<double> p = detail::normalised_probabilities(probs, where);

  double cum_counts = 0, cum_p = 0, d = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    cum_counts += static_cast<double>(counts[k]);
    cum_p += p[k];
    d = std::max(d, std::abs(cum_counts / n - cum_p));
  }
  // Rounding in the cumulative sums can push D a hair above 1 for disjoint supports.
  d = std::min(d, 1.0);
  return TestResult{d, n, ks_p_value(d, n)};
}

double total_variation(const std::vector<uint64_t>& counts, const std::vector<double>& probs) {
  const char* where = "total_variation";
  const double n = detail::require_counts(counts, where);
  detail::require_same_size(counts.size(), probs.size(), where, "counts", "probs");
  const std::vector<double> p = detail::normalised_probabilities(probs, where);
  double sum = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    sum += std::abs(static_cast<double>(counts[k]) / n - p[k]);
  }
  return 0.5 * sum;
}

}  // namespace orbitmc::analysis
