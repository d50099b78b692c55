// Tests for the two-sample binned tests (chi2_two_sample, ks_two_sample,
// total_variation_two_sample): hand-computed values, proportional histograms, samples from the
// same and from shifted distributions with unequal totals, and argument checking.
#include <gtest/gtest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <random>
#include <stdexcept>

#include "analysis/bin_probabilities.hpp"
#include "analysis/goodness_of_fit.hpp"
#include "analysis/kolmogorov.hpp"
#include "analysis_test_support.hpp"

namespace orbitmc::analysis {
namespace {

using testing::multinomial;
using testing::tv_noise_bound;

std::vector<double> gaussian_bins(double mu, int bins) {
  return bin_probabilities([mu](double x) { return -0.5 * (x - mu) * (x - mu); }, -4.0, 4.0, bins);
}

TEST(AnalysisTwoSample, HandComputedValues) {
  const std::vector<uint64_t> a{10, 20}, b{20, 10};
  const TestResult chi2 = chi2_two_sample(a, b);
  EXPECT_NEAR(chi2.statistic, 200.0 / 30, 1e-12);
  EXPECT_EQ(chi2.dof, 1.0);
  EXPECT_NEAR(chi2.p_value, std::erfc(std::sqrt(100.0 / 30)), 1e-12);  // χ²₁ survival
  const TestResult ks = ks_two_sample(a, b);
  EXPECT_NEAR(ks.statistic, 1.0 / 3, 1e-12);
  EXPECT_NEAR(ks.dof, 15.0, 1e-12);
  EXPECT_DOUBLE_EQ(ks.p_value, ks_p_value(1.0 / 3, 15.0));
  EXPECT_NEAR(total_variation_two_sample(a, b), 1.0 / 3, 1e-12);
}

TEST(AnalysisTwoSample, UnequalTotalsUseTheScaledStatistic) {
  const std::vector<uint64_t> a{30, 70}, b{10, 40};
  const double ra = std::sqrt(50.0 / 100), rb = std::sqrt(100.0 / 50);
  const double expected =
      std::pow(ra * 30 - rb * 10, 2) / 40 + std::pow(ra * 70 - rb * 40, 2) / 110;
  const TestResult r = chi2_two_sample(a, b);
  EXPECT_NEAR(r.statistic, expected, 1e-12);
  EXPECT_NEAR(r.p_value,
              boost::math::cdf(boost::math::complement(
                  boost::math::chi_squared_distribution<double>(1), expected)),
              1e-14);
}

TEST(AnalysisTwoSample, SparseBinsAreMerged) {
  // Combined counts 3, 4, 5 | 20 | 20 | 1, 0: cells {0..2}, {3}, {4..6}.
  const std::vector<uint64_t> a{1, 2, 2, 10, 10, 1, 0}, b{2, 2, 3, 10, 10, 0, 0};
  EXPECT_EQ(chi2_two_sample(a, b).dof, 2.0);
  EXPECT_EQ(chi2_two_sample({1, 2}, {3, 1}).dof, 0.0);  // one cell only
  EXPECT_EQ(chi2_two_sample({1, 2}, {3, 1}).p_value, 1.0);
}

TEST(AnalysisTwoSample, ProportionalHistograms) {
  const std::vector<uint64_t> a{5, 40, 300, 800, 300, 40, 5};
  std::vector<uint64_t> b;
  for (uint64_t x : a) b.push_back(3 * x);
  const TestResult chi2 = chi2_two_sample(a, b);
  EXPECT_NEAR(chi2.statistic, 0.0, 1e-18);
  EXPECT_NEAR(chi2.p_value, 1.0, 1e-12);
  const TestResult ks = ks_two_sample(a, b);
  EXPECT_NEAR(ks.statistic, 0.0, 1e-15);
  EXPECT_NEAR(ks.p_value, 1.0, 1e-12);
  EXPECT_NEAR(total_variation_two_sample(a, b), 0.0, 1e-15);
}

TEST(AnalysisTwoSample, SameDistributionPasses) {
  const int bins = 40;
  const uint64_t na = 100000, nb = 60000;
  const auto probs = gaussian_bins(0.0, bins);
  std::mt19937_64 rng(424242);
  const auto a = multinomial(probs, na, rng);
  const auto b = multinomial(probs, nb, rng);
  const TestResult chi2 = chi2_two_sample(a, b);
  EXPECT_GT(chi2.p_value, 1e-3);
  EXPECT_LT(std::abs(chi2.statistic - chi2.dof), 5 * std::sqrt(2 * chi2.dof));
  const TestResult ks = ks_two_sample(a, b);
  EXPECT_GT(ks.p_value, 1e-3);
  EXPECT_NEAR(ks.dof, double(na) * nb / (na + nb), 1e-9);
  // Both histograms carry multinomial noise: the variance of a bin's difference is p (1/Na + 1/Nb).
  EXPECT_LT(total_variation_two_sample(a, b), tv_noise_bound(bins, 1.0 / na + 1.0 / nb));
}

TEST(AnalysisTwoSample, ShiftedDistributionIsRejected) {
  const int bins = 40;
  const uint64_t na = 100000, nb = 60000;
  std::mt19937_64 rng(99);
  const auto pa = gaussian_bins(0.0, bins), pb = gaussian_bins(0.1, bins);
  const auto a = multinomial(pa, na, rng);
  const auto b = multinomial(pb, nb, rng);
  EXPECT_LT(chi2_two_sample(a, b).p_value, 1e-6);
  EXPECT_LT(ks_two_sample(a, b).p_value, 1e-6);
  double exact_tv = 0;
  for (int k = 0; k < bins; ++k) exact_tv += 0.5 * std::abs(pa[k] - pb[k]);
  // The bound (≈ 0.021) is about half the distance: an estimate of 0, or of twice it, fails.
  EXPECT_GT(exact_tv, 1.5 * tv_noise_bound(bins, 1.0 / na + 1.0 / nb));
  EXPECT_NEAR(total_variation_two_sample(a, b), exact_tv,
              tv_noise_bound(bins, 1.0 / na + 1.0 / nb));
}

TEST(AnalysisTwoSample, BadArgumentsThrow) {
  const std::vector<uint64_t> empty;
  EXPECT_THROW(chi2_two_sample(empty, empty), std::invalid_argument);
  EXPECT_THROW(ks_two_sample(empty, empty), std::invalid_argument);
  EXPECT_THROW(total_variation_two_sample(empty, empty), std::invalid_argument);
  EXPECT_THROW(chi2_two_sample({1, 2}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(ks_two_sample({1, 2}, {1}), std::invalid_argument);
  EXPECT_THROW(total_variation_two_sample({1}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(chi2_two_sample({0, 0}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(ks_two_sample({1, 2}, {0, 0}), std::invalid_argument);
}

}  // namespace
}  // namespace orbitmc::analysis
