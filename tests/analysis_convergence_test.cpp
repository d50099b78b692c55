// Tests for the between-chain diagnostics: Chan merge against direct moments, split R-hat on
// identical and disagreeing halves, and the between-chain ESS on independent, autocorrelated and
// exactly agreeing chains.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "analysis/convergence.hpp"
#include "analysis_test_support.hpp"

namespace orbitmc::analysis {
namespace {

ChainMoments moments_of(const std::vector<double>& xs) {
  ChainMoments m;
  m.n = static_cast<double>(xs.size());
  for (double x : xs) m.mean += x / m.n;
  for (double x : xs) m.m2 += (x - m.mean) * (x - m.mean);
  return m;
}

ChainMoments welford(const std::vector<double>& xs) {
  ChainMoments m;
  for (double x : xs) m = merge(m, ChainMoments{1, x, 0});
  return m;
}

// AR(1) chain with unit stationary variance, started in stationarity.
std::vector<double> ar1(double rho, int n, std::mt19937_64& rng) {
  std::vector<double> xs(n);
  double x = testing::standard_normal(rng);
  const double s = std::sqrt(1 - rho * rho);
  for (int i = 0; i < n; ++i) {
    xs[i] = x;
    x = rho * x + s * testing::standard_normal(rng);
  }
  return xs;
}

TEST(AnalysisConvergence, MergeMatchesDirectMoments) {
  std::mt19937_64 rng(11);
  std::vector<double> a, b, all;
  for (int i = 0; i < 300; ++i) a.push_back(5 + testing::standard_normal(rng));
  for (int i = 0; i < 77; ++i) b.push_back(-2 + 3 * testing::standard_normal(rng));
  all = a;
  all.insert(all.end(), b.begin(), b.end());
  const ChainMoments direct = moments_of(all);
  const ChainMoments merged = merge(moments_of(a), moments_of(b));
  EXPECT_EQ(merged.n, direct.n);
  EXPECT_NEAR(merged.mean, direct.mean, 1e-12);
  EXPECT_NEAR(merged.m2, direct.m2, 1e-9 * direct.m2);
  const ChainMoments streamed = welford(all);
  EXPECT_NEAR(streamed.mean, direct.mean, 1e-12);
  EXPECT_NEAR(streamed.m2, direct.m2, 1e-9 * direct.m2);
  const ChainMoments empty;
  EXPECT_EQ(merge(empty, direct).m2, direct.m2);
  EXPECT_EQ(merge(direct, empty).mean, direct.mean);
  EXPECT_THROW(merge(ChainMoments{-1, 0, 0}, direct), std::invalid_argument);
}

TEST(AnalysisConvergence, IdenticalHalvesGiveRhatOne) {
  // With B = 0 the formula leaves √((n − 1)/n): 1 up to the finite-n factor.
  const double n = 1000;
  const std::vector<ChainMoments> same(4, ChainMoments{n, 0.3, 2.0 * (n - 1)});
  EXPECT_NEAR(split_rhat(same), std::sqrt((n - 1) / n), 1e-12);
  const double big = 1e13;
  const std::vector<ChainMoments> long_halves(4, ChainMoments{big, 0.3, 2.0 * (big - 1)});
  EXPECT_NEAR(split_rhat(long_halves), 1.0, 1e-12);
}

TEST(AnalysisConvergence, DisagreeingHalvesGiveLargeRhat) {
  const double n = 1000;
  const std::vector<ChainMoments> halves{
      {n, 0.0, n - 1}, {n, 1.0, n - 1}, {n, 0.0, n - 1}, {n, 1.0, n - 1}};
  // W = 1, B/n = var(0, 1, 0, 1) = 1/3, var⁺ = 0.999 + 1/3.
  const double r = split_rhat(halves);
  EXPECT_NEAR(r, std::sqrt(0.999 + 1.0 / 3), 1e-12);
  EXPECT_GT(r, 1.1);
}

TEST(AnalysisConvergence, RhatOfIndependentChainsIsNearOne) {
  std::mt19937_64 rng(2024);
  std::vector<ChainMoments> halves;
  for (int j = 0; j < 64; ++j) {
    std::vector<double> xs(500);
    for (double& x : xs) x = testing::standard_normal(rng);
    halves.push_back(moments_of(xs));
  }
  // R̂² = ((n − 1)/n·W + B/n)/W with W ≈ 1 and B/n ≈ χ²_{M−1}/((M − 1) n): R̂ − 1 ≈
  // (χ²_{M−1}/(M − 1) − 1)/(2n), whose sd is √(2/63)/1000 ≈ 1.8e-4 here: within 5 of them.
  EXPECT_NEAR(split_rhat(halves), 1.0, 5 * std::sqrt(2.0 / 63) / (2 * 500));
}

TEST(AnalysisConvergence, EssOfIndependentDrawsIsNearTotal) {
  const int m = 400, n = 1000;
  std::mt19937_64 rng(31337);
  std::vector<ChainMoments> halves;
  for (int j = 0; j < m; ++j) {
    std::vector<double> xs(n);
    for (double& x : xs) x = testing::standard_normal(rng);
    halves.push_back(moments_of(xs));
  }
  // ESS/(M n) ≈ (M − 1)/χ²_{M−1}: relative spread √(2/399) ≈ 7 %, so 0.7 is > 4 sd away.
  const double ess = ess_between_chains(halves);
  EXPECT_LE(ess, double(m) * n);
  EXPECT_GT(ess, 0.7 * m * n);
}

TEST(AnalysisConvergence, EssOfAutocorrelatedChainsMatchesAr1) {
  const int m = 400, n = 1000;
  const double rho = 0.9;
  std::mt19937_64 rng(8675309);
  std::vector<ChainMoments> halves;
  for (int j = 0; j < m; ++j) halves.push_back(moments_of(ar1(rho, n, rng)));
  // AR(1): ESS = M n (1 − ρ)/(1 + ρ) ≈ 0.0526 M n; ±30 % is > 4 sd of the estimate.
  const double expected = double(m) * n * (1 - rho) / (1 + rho);
  EXPECT_NEAR(ess_between_chains(halves), expected, 0.3 * expected);
}

TEST(AnalysisConvergence, EqualMeansAreCappedAtTotalDraws) {
  const std::vector<ChainMoments> halves{{100, 2.0, 50}, {200, 2.0, 80}, {150, 2.0, 300}};
  EXPECT_EQ(ess_between_chains(halves), 450.0);
  // Means that differ far less than the within-chain spread also hit the cap.
  const std::vector<ChainMoments> close{{1000, 0.0, 999}, {1000, 1e-6, 999}};
  EXPECT_EQ(ess_between_chains(close), 2000.0);
}

TEST(AnalysisConvergence, DegenerateInputs) {
  EXPECT_TRUE(std::isnan(split_rhat(std::vector<ChainMoments>{})));
  EXPECT_TRUE(std::isnan(split_rhat({ChainMoments{10, 0, 9}})));
  EXPECT_TRUE(std::isnan(ess_between_chains({ChainMoments{10, 0, 9}})));
  EXPECT_TRUE(std::isnan(split_rhat({{10, 1, 0}, {10, 1, 0}})));  // W = 0
  EXPECT_THROW(split_rhat({{1, 0, 0}, {10, 0, 9}}), std::invalid_argument);
  EXPECT_THROW(split_rhat({{10, 0, -1}, {10, 0, 9}}), std::invalid_argument);
  EXPECT_THROW(ess_between_chains({{10, NAN, 9}, {10, 0, 9}}), std::invalid_argument);
}

}  // namespace
}  // namespace orbitmc::analysis
