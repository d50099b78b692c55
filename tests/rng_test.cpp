// Counter-based noise: Random123 known-answer vectors, the documented counter layout, and the
// normal transform's moments and distribution at a fixed seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc {
namespace {

// Random123's published kat_vectors for philox4x32, 10 rounds.
TEST(Philox, KnownAnswerVectors) {
  r123::Philox4x32 rng;
  struct Kat {
    uint32_t ctr[4], key[2], out[4];
  } kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const auto& k : kats) {
    r123::Philox4x32::ctr_type c = {{k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]}};
    r123::Philox4x32::key_type key = {{k.key[0], k.key[1]}};
    const auto out = rng(c, key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], k.out[i]) << "word " << i;
  }
}

// philox_bits places (chain, step, stream, word) and the seed as documented in the header:
// the pi vector above, reached through the orbitmc keying.
TEST(Philox, CounterLayoutMatchesDocumentation) {
  const NoiseKey key{0x299f31d0a4093822ull};
  const auto out = philox_bits(key, /*stream=*/0x03, /*chain=*/0x243f6a88,
                               /*step=*/0x13198a2e85a308d3ull, /*word=*/0x707344);
  EXPECT_EQ(out[0], 0xd16cfe09u);
  EXPECT_EQ(out[1], 0x94fdccebu);
  EXPECT_EQ(out[2], 0x5001e420u);
  EXPECT_EQ(out[3], 0x24126ea1u);
}

TEST(Philox, NoiseIsAPureFunctionOfItsCounter) {
  const NoiseKey key{42};
  double a[7], b[7], c[7];
  normals<double, 7>(key, kStreamLangevin, 5, 100, a);
  normals<double, 7>(key, kStreamLangevin, 5, 100, b);
  normals<double, 7>(key, kStreamLangevin, 5, 101, c);
  for (int k = 0; k < 7; ++k) {
    EXPECT_EQ(a[k], b[k]);
    EXPECT_NE(a[k], c[k]);
  }
}

// Box–Muller output for fixed words, against the documented formula evaluated independently.
TEST(BoxMuller, MatchesDocumentedTransform) {
  const uint32_t x0 = 0x9e3779b9u, x1 = 0x7f4a7c15u;
  double z0, z1;
  box_muller<double>(x0, x1, z0, z1);
  const double u1 = (x1 + 0.5) / 4294967296.0;  // r123::u01: (0, 1], midpoint rule
  const double v0 = static_cast<int32_t>(x0) / 2147483648.0 + 1.0 / 4294967296.0;
  const double r = std::sqrt(-2 * std::log(u1));
  EXPECT_NEAR(z0, r * std::sin(M_PI * v0), 1e-9);
  EXPECT_NEAR(z1, r * std::cos(M_PI * v0), 1e-9);
}

// N(0,1) at a fixed seed: mean, variance and Kolmogorov–Smirnov distance within bounds derived
// from the sample size (about 5 standard errors; the KS bound is the 0.1 % critical value).
TEST(BoxMuller, NormalMomentsAndKolmogorovSmirnov) {
  const NoiseKey key{20261128};
  const int chains = 50000, dim = 8;
  std::vector<double> z;
  z.reserve(chains * dim);
  for (int c = 0; c < chains; ++c) {
    double r[dim];
    normals<double, dim>(key, kStreamLangevin, c, 7, r);
    z.insert(z.end(), r, r + dim);
  }
  const double n = static_cast<double>(z.size());
  double mean = 0, m2 = 0, m4 = 0;
  for (double v : z) mean += v;
  mean /= n;
  for (double v : z) {
    m2 += (v - mean) * (v - mean);
    m4 += std::pow(v - mean, 4);
  }
  m2 /= n;
  m4 /= n;
  EXPECT_LT(std::fabs(mean), 5.0 / std::sqrt(n));
  EXPECT_LT(std::fabs(m2 - 1.0), 5.0 * std::sqrt(2.0 / n));
  EXPECT_LT(std::fabs(m4 - 3.0), 5.0 * std::sqrt(96.0 / n));
  std::sort(z.begin(), z.end());
  double d = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const double f = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
    d = std::max({d, std::fabs(f - i / n), std::fabs(f - (i + 1) / n)});
  }
  EXPECT_LT(d, 1.95 / std::sqrt(n));
}

TEST(Uniform, InUnitIntervalWithCorrectMean) {
  const NoiseKey key{7};
  const int n = 200000;
  double s = 0, mn = 1, mx = 0;
  for (int i = 0; i < n; ++i) {
    const double u = uniform01<double>(key, kStreamAccept, i, 3);
    s += u;
    mn = std::min(mn, u);
    mx = std::max(mx, u);
  }
  EXPECT_GT(mn, 0.0);
  EXPECT_LE(mx, 1.0);
  EXPECT_LT(std::fabs(s / n - 0.5), 5.0 * std::sqrt(1.0 / 12.0 / n));
}

}  // namespace
}  // namespace orbitmc
