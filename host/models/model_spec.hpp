// The parameters of a model as a case file or the CLI gives them: one struct for every
// registered model, each model reading its own fields (host/models/<model>_info.*).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace orbitmc {

// The parameters of every registered model (host/models/); each model reads its own.
struct ModelSpec {
  std::string name = "block";  // a registered model (host/models/model_registry.hpp)
  // block: one rank-one block (n, m) with ℓ(σ) = (σ − sigma0)² / (2 width²)
  int n = 1, m = 3;
  double sigma0 = 1.0;
  double width = 0.3;  // block: s of ℓ(σ); scalar, relu, matfac: noise scale s of the loss
  // scalar: ℓ(w) = (w − target)² / (2 width²)
  double target = 1.0;
  // relu: units, input dimension, data points (teacher-generated, data_seed)
  int units = 3, input_dim = 3, points = 8;
  // relu: 0, the fixed data set of `points`; > 0, a fresh minibatch of this many points per step
  int batch = 0;
  // matfac: rows × cols target of the given rank, entries observed with probability `observed`
  int rows = 3, cols = 3, rank = 2;
  double observed = 0.7;
  // hadamard: p coefficients c = u ⊙ v, `points` observations, basis identity | cumsum | cosine
  int coefficients = 8;
  std::string basis = "identity";
  // attention: W_Q, W_K, W_V of embed × head on `points` sequences of `sequence` tokens
  int embed = 4, head = 2, sequence = 4;
  double ridge = 0.1;  // relu, matfac, hadamard: (ρ/2) Σ_b σ_b², an invariant prior
  uint64_t data_seed = 1;
  // The data set read from a .npy file (case-file key data_file, resolved next to the case file)
  // instead of generated from data_seed; empty: generated.
  std::string data_file;
  std::shared_ptr<const std::vector<double>> data;
};

}  // namespace orbitmc
