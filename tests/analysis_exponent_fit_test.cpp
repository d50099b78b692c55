// Tests for fit_exponent: recovers the correction scale c from samples of the THEORY §4 density
// p(σ) ∝ exp(−(σ − 1)²/(2·0.09)) · σ^(0.5 − c/2) on [0.2, 2.5] (block (1, 3), β = 1), and
// rejects c = 1 when the samples come from c = 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "analysis/exponent_fit.hpp"
#include "analysis/reference_density.hpp"
#include "analysis_test_support.hpp"

namespace orbitmc::analysis {
namespace {

constexpr double kLo = 0.2, kHi = 2.5;
constexpr int kBins = 60;

double loss(double s) { return (s - 1) * (s - 1) / (2 * 0.09); }

double family(double x, double c) { return log_sigma_density(x, 1.0, loss, 1, 3, c); }

// Rejection sampling: a truncated N(1, 0.3²) proposal, accepted with probability
// x^a / max_[lo,hi] x^a where a = 0.5 − c/2 is the σ exponent.
std::vector<double> draw(double c, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const double a = 0.5 - 0.5 * c;
  const double bound = std::max(std::pow(kLo, a), std::pow(kHi, a));
  std::vector<double> xs;
  xs.reserve(n);
  while (static_cast<int>(xs.size()) < n) {
    const double x = 1 + 0.3 * testing::standard_normal(rng);
    if (x < kLo || x > kHi) continue;
    if (testing::uniform01(rng) * bound <= std::pow(x, a)) xs.push_back(x);
  }
  return xs;
}

TEST(AnalysisExponentFit, RecoversCorrectedExponent) {
  const auto counts = testing::histogram(draw(1.0, 200000, 1234), kLo, kHi, kBins);
  const ExponentFit fit = fit_exponent(counts, kLo, kHi, family, -2.0, 4.0);
  ASSERT_TRUE(fit.converged);
  // Fisher information per draw is var(log σ)/4 ≈ 0.02, so the standard error is
  // 1/√(2·10⁵ · 0.02) ≈ 0.016: the fit's own within 30 % of it, and ĉ within 4 of it of the
  // truth (not of the fit's SE, which a wrong SE would widen).
  const double se = 0.016;
  EXPECT_NEAR(fit.std_error, se, 0.3 * se);
  EXPECT_LT(std::abs(fit.c_hat - 1.0), 4 * se);
  EXPECT_LT(fit.ci_lo, fit.c_hat);
  EXPECT_GT(fit.ci_hi, fit.c_hat);
  EXPECT_LT(fit.ci_lo, 1.0);
  EXPECT_GT(fit.ci_hi, 1.0);
  // For a nearly quadratic log-likelihood the profile interval is ĉ ± 1.96·SE.
  EXPECT_NEAR(fit.ci_hi - fit.ci_lo, 2 * 1.959964 * fit.std_error, 0.05 * fit.std_error);
  EXPECT_LT(fit.log_likelihood, 0.0);
}

TEST(AnalysisExponentFit, UncorrectedSamplesExcludeOne) {
  const auto counts = testing::histogram(draw(0.0, 200000, 5678), kLo, kHi, kBins);
  const ExponentFit fit = fit_exponent(counts, kLo, kHi, family, -2.0, 4.0);
  ASSERT_TRUE(fit.converged);
  EXPECT_LT(std::abs(fit.c_hat), 4 * 0.016);  // the standard error derived above
  EXPECT_LT(fit.ci_hi, 1.0);
  EXPECT_NEAR(fit.ci_hi - fit.ci_lo, 2 * 1.959964 * fit.std_error, 0.05 * fit.std_error);
}

TEST(AnalysisExponentFit, WiderLevelGivesWiderInterval) {
  const auto counts = testing::histogram(draw(1.0, 20000, 42), kLo, kHi, kBins);
  const ExponentFit f95 = fit_exponent(counts, kLo, kHi, family, -2.0, 4.0, 0.95);
  const ExponentFit f99 = fit_exponent(counts, kLo, kHi, family, -2.0, 4.0, 0.99);
  EXPECT_NEAR(f95.c_hat, f99.c_hat, 1e-6);
  EXPECT_LT(f99.ci_lo, f95.ci_lo);
  EXPECT_GT(f99.ci_hi, f95.ci_hi);
}

TEST(AnalysisExponentFit, MaximumOnTheBoundaryIsNotConverged) {
  // Data from c = 1 but c restricted to [2, 4]: the MLE sits at c_min.
  const auto counts = testing::histogram(draw(1.0, 20000, 43), kLo, kHi, kBins);
  const ExponentFit fit = fit_exponent(counts, kLo, kHi, family, 2.0, 4.0);
  EXPECT_FALSE(fit.converged);
  EXPECT_NEAR(fit.c_hat, 2.0, 1e-4);
  EXPECT_EQ(fit.ci_lo, 2.0);
}

TEST(AnalysisExponentFit, SingularEndpointWithNonNormalisableMembers) {
  // Family x^(0.5 − c/2) e^(−x) on [0, 3]: integrable at 0 only for c < 3, so part of the range
  // [−2, 4] is not normalisable and must not attract the fit. Data: c = 1 (plain exponential).
  std::mt19937_64 rng(5);
  std::vector<double> xs;
  while (xs.size() < 100000) {
    const double x = -std::log(testing::uniform01(rng));
    if (x < 3) xs.push_back(x);
  }
  const auto counts = testing::histogram(xs, 0.0, 3.0, 30);
  auto fam = [](double x, double c) { return (0.5 - 0.5 * c) * std::log(x) - x; };
  const ExponentFit fit = fit_exponent(counts, 0.0, 3.0, fam, -2.0, 4.0);
  ASSERT_TRUE(fit.converged);
  EXPECT_LT(fit.std_error, 0.02);
  EXPECT_LT(std::abs(fit.c_hat - 1.0), 4 * fit.std_error);
}

TEST(AnalysisExponentFit, BadArgumentsThrow) {
  const std::vector<uint64_t> counts{1, 2, 3};
  EXPECT_THROW(fit_exponent({}, kLo, kHi, family, 0, 2), std::invalid_argument);
  EXPECT_THROW(fit_exponent({0, 0}, kLo, kHi, family, 0, 2), std::invalid_argument);
  EXPECT_THROW(fit_exponent(counts, 1.0, 1.0, family, 0, 2), std::invalid_argument);
  EXPECT_THROW(fit_exponent(counts, kLo, kHi, family, 2, 2), std::invalid_argument);
  EXPECT_THROW(fit_exponent(counts, kLo, kHi, family, 0, INFINITY), std::invalid_argument);
  EXPECT_THROW(fit_exponent(counts, kLo, kHi, family, 0, 2, 1.0), std::invalid_argument);
  EXPECT_THROW(fit_exponent(counts, kLo, kHi, family, 0, 2, 0.0), std::invalid_argument);
  EXPECT_THROW(fit_exponent(counts, kLo, kHi, nullptr, 0, 2), std::invalid_argument);
}

}  // namespace
}  // namespace orbitmc::analysis
