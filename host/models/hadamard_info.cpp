// Design matrices and targets of model `hadamard` (THEORY §8, experiments 4 and 5).
#include "models/hadamard_info.hpp"

#include <cmath>

#include "input_error.hpp"
#include "models/model_data.hpp"

namespace orbitmc {
namespace {

// Three non-zero coefficients at distinct k in 1..p−1 (all of 0..p−1 when p < 4), magnitudes
// U(1, 2), random signs.
std::vector<double> sparse_truth(uint64_t seed, int p, uint32_t& k) {
  std::vector<double> c(p, 0.0);
  const int first = p >= 4 ? 1 : 0;
  for (int placed = 0; placed < std::min(3, p - first);) {
    const int at = first + static_cast<int>(data_uniform(seed, k++) * (p - first)) % (p - first);
    if (c[at] != 0) continue;
    const double mag = 1 + data_uniform(seed, k++);
    c[at] = data_uniform(seed, k++) < 0.5 ? -mag : mag;
    ++placed;
  }
  return c;
}

}  // namespace

void ModelInfo<HadamardModel>::check(const Params& s, const std::string& where) {
  if (s.basis != "identity" && s.basis != "cumsum" && s.basis != "cosine")
    bad_input(where + "basis", s.basis, "allowed: identity, cumsum, cosine");
  if (s.depth > RuntimeLayout::kMaxFactors)
    bad_input(where + "depth", s.depth,
              "must be in [2, " + std::to_string(RuntimeLayout::kMaxFactors) + "]");
}

std::vector<double> ModelInfo<HadamardModel>::data(const Params& s, uint64_t data_seed) {
  const int p = s.coefficients, n = s.points;
  std::vector<double> out(static_cast<size_t>(n) * p + n, 0.0);
  double* design = out.data();
  double* y = out.data() + static_cast<size_t>(n) * p;
  uint32_t k = 0;
  std::vector<double> signal;  // A·signal is the noiseless target
  if (s.basis == "cosine") {
    const double two_pi = 2 * std::acos(-1.0);
    for (int i = 0; i < n; ++i) {
      const double t = data_uniform(data_seed, k++);
      for (int j = 0; j < p; ++j) design[static_cast<size_t>(i) * p + j] = std::cos(two_pi * j * t);
    }
    signal = sparse_truth(data_seed, p, k);
  } else {
    const double scale = 1 / std::sqrt(static_cast<double>(n));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < p; ++j)
        design[static_cast<size_t>(i) * p + j] = scale * data_normal(data_seed, k++);
    signal = s.basis == "cumsum" ? piecewise_signal(p) : sparse_truth(data_seed, p, k);
  }
  for (int i = 0; i < n; ++i) {
    double f = 0;
    for (int j = 0; j < p; ++j) f += design[static_cast<size_t>(i) * p + j] * signal[j];
    y[i] = f + 0.1 * data_normal(data_seed, k++);
  }
  // Fold the cumulative sum into the design: (A·B)_ij = Σ_{l ≥ j} A_il.
  if (s.basis == "cumsum")
    for (int i = 0; i < n; ++i)
      for (int j = p - 2; j >= 0; --j)
        design[static_cast<size_t>(i) * p + j] += design[static_cast<size_t>(i) * p + j + 1];
  return out;
}

}  // namespace orbitmc
