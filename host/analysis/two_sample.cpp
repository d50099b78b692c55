// Two-sample binned tests: two histograms on the same bins (declared in goodness_of_fit.hpp).
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>

#include "analysis/bin_grouping.hpp"
#include "analysis/goodness_of_fit.hpp"
#include "analysis/input_checks.hpp"
#include "analysis/kolmogorov.hpp"

namespace orbitmc::analysis {
namespace {

struct Totals {
  double a = 0, b = 0;
};

Totals check_pair(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                  const char* where) {
  Totals t;
  t.a = detail::require_counts(a, where, "a");
  t.b = detail::require_counts(b, where, "b");
  detail::require_same_size(a.size(), b.size(), where, "a", "b");
  return t;
}

}  // namespace

TestResult chi2_two_sample(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  const Totals t = check_pair(a, b, "chi2_two_sample");
  std::vector<double> combined(a.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    combined[k] = static_cast<double>(a[k]) + static_cast<double>(b[k]);
  }
  // A combined count of 10 gives each sample roughly the >= 5 expected count of the one-sample
  // rule; it also removes the empty bins where the statistic would be 0/0.
  const auto ends = detail::group_adjacent_bins(combined, 10.0);
  const double ra = std::sqrt(t.b / t.a), rb = std::sqrt(t.a / t.b);

  TestResult r;
  std::size_t begin = 0;
  for (std::size_t end : ends) {
    double sa = 0, sb = 0;
    for (std::size_t k = begin; k < end; ++k) {
      sa += static_cast<double>(a[k]);
      sb += static_cast<double>(b[k]);
    }
    const double diff = ra * sa - rb * sb;
    r.statistic += diff * diff / (sa + sb);
    begin = end;
  }
  r.dof = static_cast<double>(ends.size()) - 1;
  if (r.dof < 1) return TestResult{};
  r.p_value = boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(r.dof), r.statistic));
  return r;
}

TestResult ks_two_sample(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  const Totals t = check_pair(a, b, "ks_two_sample");
  double ca = 0, cb = 0, d = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    ca += static_cast<double>(a[k]);
    cb += static_cast<double>(b[k]);
    d = std::max(d, std::abs(ca / t.a - cb / t.b));
  }
  d = std::min(d, 1.0);
  const double n_eff = t.a * t.b / (t.a + t.b);
  return TestResult{d, n_eff, ks_p_value(d, n_eff)};
}

double total_variation_two_sample(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  const Totals t = check_pair(a, b, "total_variation_two_sample");
  double sum = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    sum += std::abs(static_cast<double>(a[k]) / t.a - static_cast<double>(b[k]) / t.b);
  }
  return 0.5 * sum;
}

}  // namespace orbitmc::analysis
