// Exact sums: the reductions over MPI ranks give the one-process numbers only if a
// sum does not depend on the order or grouping of its terms. Checked on terms that defeat
// floating-point sums (cancelling magnitudes, subnormals, signs), on shuffles and on splits
// joined through digits as MPI joins them; and the split-half diagnostics built on them.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "analysis/convergence.hpp"
#include "analysis/exact_sum.hpp"

namespace orbitmc::analysis {
namespace {

double sum_of(const std::vector<double>& xs) {
  ExactSum s;
  for (double x : xs) s.add(x);
  return s.value();
}

TEST(ExactSum, SumsWhatFloatingPointLoses) {
  EXPECT_EQ(sum_of({1e100, 1.0, -1e100}), 1.0);  // a double sum gives 0
  EXPECT_EQ(sum_of({1.0, 1e-30, -1.0}), 1e-30);
  EXPECT_EQ(sum_of({}), 0.0);
  EXPECT_EQ(sum_of({-2.5, -0.25}), -2.75);
  const double tiny = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(sum_of({tiny, tiny, tiny}), 3 * tiny);
  EXPECT_EQ(sum_of({std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(), tiny}),
            tiny);
  // 0.1 ten times is not 1 in any order of double additions; its exact sum rounds to 1.
  EXPECT_EQ(sum_of(std::vector<double>(10, 0.1)), 1.0);
  ExactSum s;
  EXPECT_THROW(s.add(NAN), std::invalid_argument);
  EXPECT_THROW(s.add(INFINITY), std::invalid_argument);
}

// Terms over 600 orders of magnitude, both signs: their sum is the same bits in every order,
// and it is the long-double compensated sum to a few ulps.
std::vector<double> wild_terms(std::mt19937_64& rng, int n) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::uniform_int_distribution<int> e(-300, 300);
  std::vector<double> xs(n);
  for (auto& x : xs) x = std::ldexp(u(rng), e(rng) / 10);
  return xs;
}

TEST(ExactSum, TheSameBitsInEveryOrderAndGrouping) {
  std::mt19937_64 rng(11);
  std::vector<double> xs = wild_terms(rng, 5000);
  const double whole = sum_of(xs);
  for (int shuffle = 0; shuffle < 5; ++shuffle) {
    std::shuffle(xs.begin(), xs.end(), rng);
    EXPECT_EQ(sum_of(xs), whole);
    // Split in 3 uneven parts (ranks), joined digit by digit as MPI_Allreduce adds them.
    std::array<int64_t, ExactSum::kLimbs> joined{};
    const size_t cut[] = {0, 1234, 1235, xs.size()};
    for (int p = 0; p < 3; ++p) {
      ExactSum part;
      for (size_t i = cut[p]; i < cut[p + 1]; ++i) part.add(xs[i]);
      const auto d = part.digits();
      for (int i = 0; i < ExactSum::kLimbs; ++i) joined[i] += d[i];
    }
    EXPECT_EQ(ExactSum::from_digits(joined).value(), whole);
  }
  long double ref = 0;
  std::sort(xs.begin(), xs.end(), [](double a, double b) { return std::fabs(a) < std::fabs(b); });
  for (double x : xs) ref += x;
  EXPECT_NEAR(whole, static_cast<double>(ref), 1e-12 * std::fabs(static_cast<double>(ref)));
}

TEST(ExactSum, ManyTermsCarryWithoutOverflow) {
  ExactSum s;
  const double big = std::ldexp(1.0 - std::ldexp(1.0, -53), 1000);  // every digit near 2^32
  for (int i = 0; i < 3000; ++i) s.add(big);
  EXPECT_EQ(s.value(), 3000 * big);
  for (int i = 0; i < 3000; ++i) s.add(-big);
  EXPECT_EQ(s.value(), 0.0);
}

TEST(HalfSums, SplitBetweenPartsGivesTheSameDiagnosticsBitForBit) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(1.3, 0.4);
  std::vector<ChainMoments> halves;
  for (int j = 0; j < 600; ++j) {
    ChainMoments h;
    for (int i = 0; i < 20; ++i) h = merge(h, ChainMoments{1, g(rng), 0});
    halves.push_back(h);
  }
  HalfSums whole(1.2);
  for (const auto& h : halves) whole.add(h);
  HalfSums a(1.2), b(1.2);
  for (size_t j = 0; j < halves.size(); ++j) (j % 3 == 1 ? a : b).add(halves[j]);
  a.add(b);
  EXPECT_EQ(a.halves, whole.halves);
  EXPECT_EQ(split_rhat(a), split_rhat(whole));
  EXPECT_EQ(ess_between_chains(a), ess_between_chains(whole));
  EXPECT_EQ(a.pooled().mean, whole.pooled().mean);
  EXPECT_EQ(a.pooled().m2, whole.pooled().m2);
  // The pooled moments are those of Chan's merge of the halves.
  ChainMoments merged;
  for (const auto& h : halves) merged = merge(merged, h);
  EXPECT_EQ(whole.pooled().n, merged.n);
  EXPECT_NEAR(whole.pooled().mean, merged.mean, 1e-13);
  EXPECT_NEAR(whole.pooled().m2, merged.m2, 1e-11 * merged.m2);
  EXPECT_THROW(a.add(HalfSums(0.0)), std::invalid_argument);  // another shift
}

// Means far from 0 that differ by 1e-7: the two passes (the pooled mean as the shift) keep the
// diagnostics those of the two-pass formulas in doubles.
TEST(HalfSums, MeansFarFromZeroLoseNoDigits) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> g(0, 1);
  std::vector<ChainMoments> halves;
  for (int j = 0; j < 20000; ++j)
    halves.push_back({50, 5 + 1e-7 * g(rng), 49e-14 * (1 + 0.1 * g(rng))});
  double mean = 0, within = 0;
  for (const auto& h : halves) mean += h.mean / halves.size(), within += h.m2 / 49 / halves.size();
  double b = 0;
  for (const auto& h : halves) b += (h.mean - mean) * (h.mean - mean) / (halves.size() - 1);
  const double var_plus = 49.0 / 50 * within + b;
  EXPECT_NEAR(split_rhat(halves), std::sqrt(var_plus / within), 1e-9);
  EXPECT_NEAR(ess_between_chains(halves), std::min(1e6, halves.size() * var_plus / b), 1e-6 * 1e6);
}

TEST(HalfSums, HalvesTooLargeToSumMakeTheDiagnosticsNaN) {
  HalfSums s(0.0);
  s.add(ChainMoments{10, 1.0, 9});
  s.add(ChainMoments{10, 2.0, 9});
  EXPECT_TRUE(std::isfinite(split_rhat(s)));
  s.add(ChainMoments{10, 1e200, 9});  // 10·(1e200)² overflows a double
  EXPECT_EQ(s.halves, 2u);
  EXPECT_EQ(s.unsummable, 1u);
  EXPECT_TRUE(std::isnan(split_rhat(s)));
  EXPECT_TRUE(std::isnan(ess_between_chains(s)));
  EXPECT_TRUE(std::isnan(s.pooled().mean));
  EXPECT_THROW(s.add(ChainMoments{1, 0, 0}), std::invalid_argument);  // n < 2 is an error
}

}  // namespace
}  // namespace orbitmc::analysis
