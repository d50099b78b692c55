// Helpers the experiments share: cutting each seed's slice of the host problems into the float
// data a training job reads, and block quantities of a parameter vector.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "input_error.hpp"
#include "orbitmc/core/block_layout.hpp"

namespace orbitmc {

// Per-chain code indexes a training's parameters and data with int: an experiment's settings
// must keep one seed's data within 2^24 numbers and its parameters within 2^20 (as a case
// file's model). `keys` names the settings whose product is too large.
inline void check_seed_size(const std::string& keys, double data_words, double parameters) {
  if (data_words > double(1 << 24))
    bad_input("settings." + keys, static_cast<uint64_t>(data_words),
              "numbers of data per seed; at most 2^24 = 16777216");
  if (parameters > double(1 << 20))
    bad_input("settings." + keys, static_cast<uint64_t>(parameters),
              "parameters per seed; at most 2^20 = 1048576");
}

// For every seed i < seeds: words = fill(problem of seed i, out) writes `stride` floats.
inline std::vector<float> per_seed_data(const double* problems, size_t problem_words,
                                        uint64_t seeds, size_t stride,
                                        const std::function<void(const double*, float*)>& fill) {
  std::vector<float> out(seeds * stride, 0.f);
  for (uint64_t i = 0; i < seeds; ++i) fill(problems + i * problem_words, out.data() + i * stride);
  return out;
}

// The words [offset, offset + count) of a problem, as floats.
inline std::function<void(const double*, float*)> copy_words(size_t offset, size_t count) {
  return [offset, count](const double* p, float* out) {
    for (size_t k = 0; k < count; ++k) out[k] = static_cast<float>(p[offset + k]);
  };
}

// |u^k_b|², in double.
inline double factor_norm2(const RuntimeLayout& l, const float* th, int b, int k) {
  double s = 0;
  for (int i = 0; i < l.factor_size(k); ++i) s += double(th[l.at(b, k, i)]) * th[l.at(b, k, i)];
  return s;
}

// |u_b|² and |v_b|² of block b, in double (at depth L ≥ 3: its first two factors, whose
// imbalance obeys the two-factor identities of THEORY §7 pair by pair).
inline void block_norms2(const RuntimeLayout& l, const float* th, int b, double& uu, double& vv) {
  uu = factor_norm2(l, th, b, 0);
  vv = factor_norm2(l, th, b, 1);
}

// Distance to balance: the mean over blocks of |log(|u_b| / |v_b|)| (0 when every block is
// balanced); at depth L the mean over a block's L − 1 neighbouring pairs |log(|u^k|/|u^{k+1}|)|.
// The mean, not the maximum: one unit started near 0 would dominate a maximum.
inline double balance_distance(const RuntimeLayout& l, const float* th) {
  double sum = 0;
  for (int b = 0; b < l.blocks(); ++b) {
    double pairs = 0;
    for (int k = 0; k + 1 < l.factors(); ++k)
      pairs += std::fabs(0.5 * std::log(factor_norm2(l, th, b, k) / factor_norm2(l, th, b, k + 1)));
    sum += pairs / (l.factors() - 1);
  }
  return l.blocks() > 0 ? sum / l.blocks() : 0.0;
}

// The Hadamard experiments' designed parametrisation: `coefficients` blocks of `depth` scalar
// factors (c_k = u^1_k ⋯ u^depth_k), or with depth 0 the plain coefficients (free parameters).
inline RuntimeLayout hadamard_layout(int coefficients, int depth) {
  if (depth == 0) return RuntimeLayout{0, 1, 1, coefficients};
  return scalar_factor_layout(coefficients, depth);
}

// Coefficient k of a Hadamard layout in double: the product of its factors, or the free
// parameter k.
inline double hadamard_coefficient(const RuntimeLayout& l, const float* th, int k) {
  if (l.blocks() == 0) return th[l.free(k)];
  double c = th[l.at(k, 0, 0)];
  for (int j = 1; j < l.factors(); ++j) c *= th[l.at(k, j, 0)];
  return c;
}

// s_j = exp(linspace(−a, a, count)): the paper's unbalancing factors.
inline double unbalance_factor(double a, int j, int count) {
  return std::exp(count > 1 ? -a + 2 * a * j / (count - 1) : 0.0);
}

}  // namespace orbitmc
