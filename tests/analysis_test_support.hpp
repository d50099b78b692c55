// Deterministic sampling helpers for the analysis tests. std::mt19937_64 is fully specified by
// the standard but the std:: distributions are not, so uniforms, normals and multinomial draws
// are built here to give the same numbers with every standard library.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace orbitmc::analysis::testing {

inline double uniform01(std::mt19937_64& rng) {
  // 53 random bits, shifted by half a step so that log(u) is always finite.
  return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
}

inline double standard_normal(std::mt19937_64& rng) {
  const double u1 = uniform01(rng), u2 = uniform01(rng);
  return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// Histogram of `n` draws from the categorical distribution `probs` (need not be normalised).
inline std::vector<uint64_t> multinomial(const std::vector<double>& probs, uint64_t n,
                                         std::mt19937_64& rng) {
  std::vector<double> cdf(probs.size());
  double acc = 0;
  for (std::size_t k = 0; k < probs.size(); ++k) cdf[k] = acc += probs[k];
  std::vector<uint64_t> counts(probs.size(), 0);
  for (uint64_t i = 0; i < n; ++i) {
    const double u = uniform01(rng) * acc;
    const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
    ++counts[std::min<std::size_t>(it - cdf.begin(), probs.size() - 1)];
  }
  return counts;
}

// Histogram of `xs` into `bins` equal bins of [lo, hi]; values outside are dropped.
inline std::vector<uint64_t> histogram(const std::vector<double>& xs, double lo, double hi,
                                       int bins) {
  std::vector<uint64_t> counts(bins, 0);
  for (double x : xs) {
    if (x < lo || x > hi) continue;
    const int k = std::min(bins - 1, static_cast<int>((x - lo) / (hi - lo) * bins));
    ++counts[k];
  }
  return counts;
}

// How far a total-variation estimate from multinomial counts can sit from the distance between
// the laws: |TV̂ − TV| ≤ ½ Σ_k |e_k| with e_k the noise of bin k, variance ≤ p_k·inv_n (inv_n =
// 1/N, or 1/Na + 1/Nb for two samples). ½ Σ E|e_k| = ½ √(2/π) Σ √(p_k·inv_n) ≤ 0.4 √(bins·inv_n)
// (Cauchy–Schwarz), and ½ Σ |e_k| has sd ½ √((1 − 2/π)·inv_n) ≈ 0.30 √inv_n: mean plus 5 sd.
inline double tv_noise_bound(int bins, double inv_n) {
  return 0.4 * std::sqrt(bins * inv_n) + 5 * 0.30 * std::sqrt(inv_n);
}

}  // namespace orbitmc::analysis::testing
