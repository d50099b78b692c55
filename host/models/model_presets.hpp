// Named model sizes shared by the tests and the benchmark: the validation's small sizes and the
// paper's (THEORY §8).
#pragma once

#include <string>

#include "models/model_spec.hpp"

namespace orbitmc {

// "block_1_3", "block_2_4", "block_4_7", "scalar", "relu_3_3", "relu_16_3" (the paper's network,
// 64 parameters), "relu_16_3_batch8" (the same with a fresh minibatch of 8 points per step),
// "matfac_3_3_2", "matfac_20_20_20" (the paper's P, Q: 800 parameters), "hadamard_8_identity",
// "hadamard_64_cosine" (experiment 4), "hadamard_200_cumsum" (experiment 5), "attention_small",
// "attention_16_8" (experiment 2: 384 parameters).
inline ModelSpec model_preset(const std::string& name) {
  ModelSpec s;
  if (name.rfind("block_", 0) == 0) {
    s.name = "block";
    s.n = name[6] - '0';
    s.m = name[8] - '0';
  } else if (name == "scalar") {
    s.name = "scalar";
  } else if (name == "relu_3_3" || name == "relu_16_3" || name == "relu_16_3_batch8") {
    s.name = "relu";
    s.units = name == "relu_3_3" ? 3 : 16;
    s.batch = name == "relu_16_3_batch8" ? 8 : 0;  // experiment 1: a fresh batch of 8 per step
    s.width = 1.5;
    s.ridge = 1.0;
  } else if (name == "matfac_3_3_2" || name == "matfac_20_20_20") {
    s.name = "matfac";
    if (name == "matfac_20_20_20") {
      s.rows = s.cols = s.rank = 20;
      s.observed = 0.2;
      s.width = 3.0;
    }
  } else if (name.rfind("hadamard_", 0) == 0) {
    s.name = "hadamard";
    s.ridge = 1.0;
    s.width = 3.0;  // the cumulative-sum design is stiff: |DᵀD|/s² stays ~10³ at 200
    if (name == "hadamard_8_identity") {
      s.points = 12;
    } else if (name == "hadamard_64_cosine") {
      s.coefficients = 64;
      s.points = 32;
      s.basis = "cosine";
    } else {
      s.coefficients = 200;
      s.points = 60;
      s.basis = "cumsum";
    }
  } else if (name == "attention_small" || name == "attention_16_8") {
    s.name = "attention";
    s.width = 1.0;
    s.ridge = 1.0;
    if (name == "attention_16_8") {  // experiment 2: W_Q, W_K, W_V of 16 × 8, 8 tokens
      s.embed = 16;
      s.head = 8;
      s.sequence = 8;
      s.points = 16;
    }
  } else {
    s.name = "unknown preset " + name;
  }
  return s;
}

}  // namespace orbitmc
