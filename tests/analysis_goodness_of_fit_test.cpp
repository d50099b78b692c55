// Tests for the one-sample binned tests (chi2_gof, ks_binned, total_variation): hand-computed
// values, exact agreement, correct and shifted multinomial samples, and argument checking.
#include <gtest/gtest.h>

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

TEST(AnalysisGoodnessOfFit, HandComputedValues) {
  const std::vector<uint64_t> counts{10, 20, 30};
  const std::vector<double> probs{1, 1, 1};  // renormalised to 1/3 each
  const TestResult chi2 = chi2_gof(counts, probs);
  EXPECT_NEAR(chi2.statistic, 10.0, 1e-12);  // (100 + 0 + 100)/20
  EXPECT_EQ(chi2.dof, 2.0);
  EXPECT_NEAR(chi2.p_value, std::exp(-5.0), 1e-12);  // χ²₂ survival is exp(−x/2)
  const TestResult ks = ks_binned(counts, probs);
  EXPECT_NEAR(ks.statistic, 1.0 / 6, 1e-12);  // edges: |1/6 − 1/3|, |1/2 − 2/3|
  EXPECT_EQ(ks.dof, 60.0);
  EXPECT_DOUBLE_EQ(ks.p_value, ks_p_value(1.0 / 6, 60));
  EXPECT_NEAR(total_variation(counts, probs), 0.5 * (1.0 / 6 + 0 + 1.0 / 6), 1e-12);
}

TEST(AnalysisGoodnessOfFit, SmallExpectedBinsAreMerged) {
  // Weights summing to 128 keep the expected counts exact: 2, 2, 2 | 2, 2, 54 | 64.
  const std::vector<double> probs{2, 2, 2, 2, 2, 54, 64};
  const std::vector<uint64_t> counts{3, 1, 2, 0, 4, 54, 64};
  const TestResult r = chi2_gof(counts, probs);
  EXPECT_EQ(r.dof, 2.0);
  EXPECT_NEAR(r.statistic, 0.0, 1e-12);
  // Trailing small bins (expected 3 + 1) join the last full cell.
  const TestResult t = chi2_gof({50, 46, 3, 1}, {50, 46, 3, 1});
  EXPECT_EQ(t.dof, 1.0);
  // Everything in one cell: nothing to test.
  const TestResult one = chi2_gof({1, 2}, {0.5, 0.5});
  EXPECT_EQ(one.dof, 0.0);
  EXPECT_EQ(one.p_value, 1.0);
}

TEST(AnalysisGoodnessOfFit, ExactlyProportionalCounts) {
  const std::vector<uint64_t> counts{100, 300, 600, 1000, 500, 200, 50};
  std::vector<double> probs;
  for (uint64_t c : counts) probs.push_back(c / 2750.0);
  const TestResult chi2 = chi2_gof(counts, probs);
  EXPECT_NEAR(chi2.statistic, 0.0, 1e-18);
  EXPECT_NEAR(chi2.p_value, 1.0, 1e-12);
  const TestResult ks = ks_binned(counts, probs);
  EXPECT_NEAR(ks.statistic, 0.0, 1e-15);
  EXPECT_NEAR(ks.p_value, 1.0, 1e-12);
  EXPECT_NEAR(total_variation(counts, probs), 0.0, 1e-15);
}

TEST(AnalysisGoodnessOfFit, CorrectSamplesPass) {
  const int bins = 40;
  const uint64_t n = 100000;
  const auto probs = gaussian_bins(0.0, bins);
  std::mt19937_64 rng(20240601);
  const auto counts = multinomial(probs, n, rng);
  const TestResult chi2 = chi2_gof(counts, probs);
  EXPECT_GT(chi2.p_value, 1e-3);
  // χ² with k dof has mean k and sd √(2k); a correct sampler sits well inside ±5 sd.
  EXPECT_LT(std::abs(chi2.statistic - chi2.dof), 5 * std::sqrt(2 * chi2.dof));
  const TestResult ks = ks_binned(counts, probs);
  EXPECT_GT(ks.p_value, 1e-3);
  EXPECT_EQ(ks.dof, double(n));
  EXPECT_LT(total_variation(counts, probs), tv_noise_bound(bins, 1.0 / n));
}

TEST(AnalysisGoodnessOfFit, ShiftedSamplesAreRejected) {
  const int bins = 40;
  const uint64_t n = 100000;
  const auto probs = gaussian_bins(0.0, bins);
  std::mt19937_64 rng(7);
  // A shift of 0.1 sd: KS D ≈ 0.04 gives λ ≈ 12.6, far beyond any noise at this N.
  const auto shifted = gaussian_bins(0.1, bins);
  const auto counts = multinomial(shifted, n, rng);
  EXPECT_LT(chi2_gof(counts, probs).p_value, 1e-6);
  EXPECT_LT(ks_binned(counts, probs).p_value, 1e-6);
  // TV estimates the distance between the binned laws (≈ 2Φ(0.05) − 1 ≈ 0.04) up to noise.
  double exact_tv = 0;
  for (int k = 0; k < bins; ++k) exact_tv += 0.5 * std::abs(shifted[k] - probs[k]);
  // The bound (≈ 0.013) is a third of the distance: an estimate of 0, or of twice it, fails.
  EXPECT_GT(exact_tv, 1.5 * tv_noise_bound(bins, 1.0 / n));
  EXPECT_NEAR(total_variation(counts, probs), exact_tv, tv_noise_bound(bins, 1.0 / n));
}

TEST(AnalysisGoodnessOfFit, BadArgumentsThrow) {
  const std::vector<uint64_t> empty_counts;
  const std::vector<double> empty_probs;
  EXPECT_THROW(chi2_gof(empty_counts, empty_probs), std::invalid_argument);
  EXPECT_THROW(ks_binned(empty_counts, empty_probs), std::invalid_argument);
  EXPECT_THROW(total_variation(empty_counts, empty_probs), std::invalid_argument);
  EXPECT_THROW(chi2_gof({1, 2}, {0.5, 0.3, 0.2}), std::invalid_argument);
  EXPECT_THROW(ks_binned({1, 2}, {1.0}), std::invalid_argument);
  EXPECT_THROW(total_variation({1, 2}, {1.0}), std::invalid_argument);
  EXPECT_THROW(chi2_gof({0, 0}, {0.5, 0.5}), std::invalid_argument);
  EXPECT_THROW(chi2_gof({1, 2}, {0.5, -0.5}), std::invalid_argument);
  EXPECT_THROW(chi2_gof({1, 2}, {0.5, NAN}), std::invalid_argument);
  EXPECT_THROW(ks_binned({1, 2}, {0.0, 0.0}), std::invalid_argument);
  try {
    chi2_gof({1, 2}, {0.5, -0.5});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("probs[1] = -0.5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace orbitmc::analysis
