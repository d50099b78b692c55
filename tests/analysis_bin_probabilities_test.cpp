// Tests for bin_probabilities: quadrature accuracy against closed forms, endpoint singularities,
// large dynamic range and argument checking.
#include <gtest/gtest.h>

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "analysis/bin_probabilities.hpp"

namespace orbitmc::analysis {
namespace {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

void expect_gaussian_bins(const std::vector<double>& p, double lo, double hi, double mu, double sd,
                          double tol) {
  const int bins = static_cast<int>(p.size());
  const double z = normal_cdf((hi - mu) / sd) - normal_cdf((lo - mu) / sd);
  for (int k = 0; k < bins; ++k) {
    const double a = lo + (hi - lo) * k / bins, b = lo + (hi - lo) * (k + 1) / bins;
    const double exact = (normal_cdf((b - mu) / sd) - normal_cdf((a - mu) / sd)) / z;
    EXPECT_NEAR(p[k], exact, tol) << "bin " << k;
  }
}

TEST(AnalysisBinProbabilities, GaussianMatchesErf) {
  const auto p = bin_probabilities([](double x) { return -0.5 * x * x; }, -3.0, 2.0, 25);
  ASSERT_EQ(p.size(), 25u);
  expect_gaussian_bins(p, -3.0, 2.0, 0.0, 1.0, 1e-9);
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-14);
}

TEST(AnalysisBinProbabilities, LargeDynamicRangeIsShiftedAway) {
  // exp(−1e5 − …) underflows to 0 without the max-subtraction.
  const double mu = 0.3, sd = 0.2;
  const auto p = bin_probabilities(
      [&](double x) { return -1e5 - 0.5 * (x - mu) * (x - mu) / (sd * sd); }, -1.0, 1.0, 40);
  expect_gaussian_bins(p, -1.0, 1.0, mu, sd, 1e-9);
  const auto q = bin_probabilities(
      [&](double x) { return 800.0 - 0.5 * (x - mu) * (x - mu) / (sd * sd); }, -1.0, 1.0, 40);
  expect_gaussian_bins(q, -1.0, 1.0, mu, sd, 1e-9);
}

TEST(AnalysisBinProbabilities, InverseSqrtSingularityMatchesIncompleteGamma) {
  // x^(−1/2) e^(−x) on [0, 2]: the CDF is the regularised incomplete gamma P(1/2, x).
  const int bins = 20;
  const auto p = bin_probabilities([](double x) { return -0.5 * std::log(x) - x; }, 0.0, 2.0, bins);
  const double z = boost::math::gamma_p(0.5, 2.0);
  double sum = 0;
  for (int k = 0; k < bins; ++k) {
    const double a = 2.0 * k / bins, b = 2.0 * (k + 1) / bins;
    const double exact = (boost::math::gamma_p(0.5, b) - boost::math::gamma_p(0.5, a)) / z;
    EXPECT_NEAR(p[k], exact, 1e-7) << "bin " << k;
    sum += p[k];
  }
  EXPECT_NEAR(sum, 1.0, 1e-14);
}

TEST(AnalysisBinProbabilities, StrongSingularityXToMinusPointNine) {
  // x^(−0.9) on [0, 1] has CDF x^0.1; the first bin holds most of the mass.
  const int bins = 10;
  const auto p = bin_probabilities([](double x) { return -0.9 * std::log(x); }, 0.0, 1.0, bins);
  for (int k = 0; k < bins; ++k) {
    const double exact = std::pow((k + 1.0) / bins, 0.1) - std::pow(double(k) / bins, 0.1);
    EXPECT_NEAR(p[k], exact, 1e-7) << "bin " << k;
  }
  EXPECT_GT(p[0], 0.79);
}

TEST(AnalysisBinProbabilities, ZeroDensityRegionGivesZeroProbability) {
  const auto p = bin_probabilities([](double x) { return x < 0.5 ? -INFINITY : 0.0; }, 0.0, 1.0, 4);
  EXPECT_EQ(p[0], 0.0);
  EXPECT_EQ(p[1], 0.0);
  EXPECT_NEAR(p[2], 0.5, 1e-12);
  EXPECT_NEAR(p[3], 0.5, 1e-12);
}

TEST(AnalysisBinProbabilities, BadArgumentsThrow) {
  auto flat = [](double) { return 0.0; };
  EXPECT_THROW(bin_probabilities(flat, 1.0, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(bin_probabilities(flat, 2.0, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(bin_probabilities(flat, 0.0, INFINITY, 10), std::invalid_argument);
  EXPECT_THROW(bin_probabilities(flat, NAN, 1.0, 10), std::invalid_argument);
  EXPECT_THROW(bin_probabilities(flat, 0.0, 1.0, 0), std::invalid_argument);
  EXPECT_THROW(bin_probabilities(nullptr, 0.0, 1.0, 3), std::invalid_argument);
  EXPECT_THROW(bin_probabilities([](double) { return -INFINITY; }, 0.0, 1.0, 3),
               std::invalid_argument);
}

}  // namespace
}  // namespace orbitmc::analysis
