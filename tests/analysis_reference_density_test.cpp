// Tests for log_sigma_density: the σ exponent (n + m − 3)/2 − c/2 of THEORY §4 and the loss term.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "analysis/reference_density.hpp"

namespace orbitmc::analysis {
namespace {

// With ℓ ≡ 0 the log density is a·log σ, so the exponent is a difference quotient in log σ.
double measured_exponent(int n, int m, double c) {
  auto zero = [](double) { return 0.0; };
  const double s1 = 0.7, s2 = 3.1;
  return (log_sigma_density(s2, 1.0, zero, n, m, c) - log_sigma_density(s1, 1.0, zero, n, m, c)) /
         (std::log(s2) - std::log(s1));
}

TEST(AnalysisReferenceDensity, ExponentsOfTheorySection4) {
  EXPECT_NEAR(measured_exponent(1, 3, 1.0), 0.0, 1e-14);   // μ_S for (1, 3): flat in σ
  EXPECT_NEAR(measured_exponent(1, 1, 1.0), -1.0, 1e-14);  // scalar model: 1/|w|
  EXPECT_NEAR(measured_exponent(1, 3, 0.0), 0.5, 1e-14);   // uncorrected sampler
  EXPECT_NEAR(measured_exponent(2, 3, 1.0), 0.5, 1e-14);
  EXPECT_DOUBLE_EQ(sigma_exponent(2, 3, 1.0), 0.5);
}

TEST(AnalysisReferenceDensity, LossEntersWithMinusBeta) {
  auto loss = [](double s) { return (s - 1) * (s - 1) / (2 * 0.09); };
  const double s = 1.6, beta = 2.5;
  const double expected = -beta * loss(s) + (0.5 * (2 + 3 - 3) - 0.5 * 0.3) * std::log(s);
  EXPECT_NEAR(log_sigma_density(s, beta, loss, 2, 3, 0.3), expected, 1e-14);
}

TEST(AnalysisReferenceDensity, SigmaZeroFollowsTheExponentSign) {
  auto zero = [](double) { return 0.0; };
  EXPECT_EQ(log_sigma_density(0.0, 1.0, zero, 2, 3, 1.0), -INFINITY);  // exponent 1/2
  EXPECT_EQ(log_sigma_density(0.0, 1.0, zero, 1, 3, 1.0), 0.0);        // exponent 0
  EXPECT_EQ(log_sigma_density(0.0, 1.0, zero, 1, 1, 1.0), INFINITY);   // exponent −1
}

TEST(AnalysisReferenceDensity, BadArgumentsThrow) {
  auto zero = [](double) { return 0.0; };
  EXPECT_THROW(log_sigma_density(-0.1, 1.0, zero, 1, 3, 1.0), std::invalid_argument);
  EXPECT_THROW(log_sigma_density(NAN, 1.0, zero, 1, 3, 1.0), std::invalid_argument);
  EXPECT_THROW(log_sigma_density(1.0, -1.0, zero, 1, 3, 1.0), std::invalid_argument);
  EXPECT_THROW(log_sigma_density(1.0, 1.0, zero, 0, 3, 1.0), std::invalid_argument);
  EXPECT_THROW(log_sigma_density(1.0, 1.0, zero, 1, 3, INFINITY), std::invalid_argument);
  EXPECT_THROW(log_sigma_density(1.0, 1.0, nullptr, 1, 3, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace orbitmc::analysis
