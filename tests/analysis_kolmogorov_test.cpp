// Tests for the Kolmogorov survival function: tabulated critical values, continuity where the two
// series meet, limits, and the small-sample corrected p-value.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "analysis/kolmogorov.hpp"

namespace orbitmc::analysis {
namespace {

TEST(AnalysisKolmogorov, CriticalValues) {
  // Asymptotic critical values K_α with Q(K_α) = α (e.g. Stephens 1974 tables).
  EXPECT_NEAR(kolmogorov_q(1.22385), 0.10, 2e-6);
  EXPECT_NEAR(kolmogorov_q(1.35810), 0.05, 2e-6);
  EXPECT_NEAR(kolmogorov_q(1.62762), 0.01, 2e-6);
  EXPECT_NEAR(kolmogorov_q(1.0), 0.26999967, 1e-7);
}

TEST(AnalysisKolmogorov, SeriesAgreeAtCrossover) {
  // Both branches are exact representations; a jump here would mean a truncated series.
  EXPECT_NEAR(kolmogorov_q(std::nextafter(1.18, 0.0)), kolmogorov_q(1.18), 1e-14);
}

TEST(AnalysisKolmogorov, LimitsAndMonotonicity) {
  EXPECT_EQ(kolmogorov_q(0.0), 1.0);
  EXPECT_EQ(kolmogorov_q(-1.0), 1.0);
  EXPECT_NEAR(kolmogorov_q(0.2), 1.0, 1e-12);
  EXPECT_LT(kolmogorov_q(6.0), 1e-30);
  double prev = 1.0;
  for (double l = 0.1; l < 4.0; l += 0.05) {
    const double q = kolmogorov_q(l);
    EXPECT_LE(q, prev) << "lambda " << l;
    prev = q;
  }
  EXPECT_THROW(kolmogorov_q(NAN), std::invalid_argument);
}

TEST(AnalysisKolmogorov, SmallSampleCorrection) {
  const double n = 60, d = 1.0 / 6;
  EXPECT_DOUBLE_EQ(ks_p_value(d, n), kolmogorov_q((std::sqrt(n) + 0.12 + 0.11 / std::sqrt(n)) * d));
  EXPECT_THROW(ks_p_value(1.5, 10), std::invalid_argument);
  EXPECT_THROW(ks_p_value(0.1, 0), std::invalid_argument);
}

}  // namespace
}  // namespace orbitmc::analysis
