// The ambient law of σ at finite κ (analysis/stiff_density.hpp): the quadrature in F equals the
// same law integrated independently along b = σ/a; for |n − m| = 2 it is the corrected law at
// every κ (THEORY §3); as κ grows it tends to the corrected law; the fit family shifts the power
// of σ by (1 − c)/2.
#include "analysis/stiff_density.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace orbitmc::analysis {
namespace {

// ∫ a^(n−1) b^(m−1) exp(−βκ(a² − b²)²/8) da/a with b = σ/a (the law of σ = ab, dσ = a db), by
// the trapezoid rule in t = log a over [−12, 12] (the integrand is smooth there and negligible
// at both ends for these parameters): an integral along another path, by another rule.
double log_along_a(double sigma, int n, int m, double bk) {
  const int steps = 400000;
  const double lo = -12, hi = 12, dt = (hi - lo) / steps;
  double sum = 0;
  for (int i = 0; i <= steps; ++i) {
    const double a = std::exp(lo + i * dt), b = sigma / a, f = a * a - b * b;
    const double v = std::pow(a, n - 1) * std::pow(b, m - 1) * std::exp(-bk * f * f / 8);
    sum += (i == 0 || i == steps ? 0.5 : 1.0) * v;  // da/a = dt
  }
  return std::log(sum * dt);
}

TEST(StiffDensity, EqualsTheLawIntegratedAlongB) {
  for (const auto& [n, m] : {std::pair{1, 2}, {2, 1}, {2, 3}, {1, 1}, {3, 5}})
    for (double sigma : {0.02, 0.1, 0.5, 1.3})
      for (double bk : {50.0, 3200.0}) {
        EXPECT_NEAR(log_stiff_factor(sigma, n, m, bk), log_along_a(sigma, n, m, bk), 1e-6)
            << n << " " << m << " sigma " << sigma << " beta*kappa " << bk;
      }
}

TEST(StiffDensity, ExactCorrectedLawWhenSizesDifferByTwo) {
  // (1, 3) and (3, 1): σ^((n+m−4)/2) = σ⁰ at every κ, even where F's fluctuations dwarf σ.
  for (const auto& [n, m] : {std::pair{1, 3}, {3, 1}, {2, 4}})
    for (double bk : {10.0, 400.0}) {
      const double at = log_stiff_factor(0.01, n, m, bk) - 0.5 * (n + m - 4) * std::log(0.01);
      for (double sigma : {0.001, 0.3, 2.0})
        EXPECT_NEAR(log_stiff_factor(sigma, n, m, bk) - 0.5 * (n + m - 4) * std::log(sigma), at,
                    1e-9)
            << n << " " << m << " " << sigma;
    }
}

TEST(StiffDensity, TendsToTheCorrectedLawAsKappaGrows) {
  // (1, 2): the corrected law is σ^(−1/2); at σ = 0.05 the stiff law is far below it at
  // βκ = 100 and within 1e-3 of it (relative to σ = 1) at βκ = 10⁸.
  auto gap = [](double bk) {
    return (log_stiff_factor(0.05, 1, 2, bk) - log_stiff_factor(1.0, 1, 2, bk)) -
           (-0.5 * std::log(0.05));
  };
  EXPECT_LT(gap(100), -0.2);
  EXPECT_LT(std::fabs(gap(1e8)), 1e-3);
  EXPECT_LT(std::fabs(gap(1e8)), std::fabs(gap(1e6)));
}

TEST(StiffDensity, FamilyShiftsThePower) {
  const auto loss = [](double s) { return (s - 1) * (s - 1) / 0.18; };
  const auto logd = stiff_log_density(2.0, loss, 1, 2, 3200);
  for (double sigma : {0.05, 0.7, 1.9})
    for (double c : {0.0, 0.5, 1.5}) {
      EXPECT_NEAR(logd(sigma, c) - logd(sigma, 1.0), 0.5 * (1 - c) * std::log(sigma), 1e-12);
      EXPECT_NEAR(logd(sigma, 1.0), -2.0 * loss(sigma) + log_stiff_factor(sigma, 1, 2, 6400),
                  1e-12);
    }
  EXPECT_EQ(logd(0.0, 1.0), -INFINITY);
}

TEST(StiffDensity, RefusesWhatHasNoLaw) {
  EXPECT_THROW(log_stiff_factor(0.0, 1, 2, 10), std::invalid_argument);
  EXPECT_THROW(log_stiff_factor(-1.0, 1, 2, 10), std::invalid_argument);
  EXPECT_THROW(log_stiff_factor(1.0, 0, 2, 10), std::invalid_argument);
  EXPECT_THROW(log_stiff_factor(1.0, 1, 2, 0), std::invalid_argument);
  EXPECT_THROW(log_stiff_factor(1.0, 1, 2, NAN), std::invalid_argument);
}

}  // namespace
}  // namespace orbitmc::analysis
