// How one training of an experiment moves (THEORY §7, §8): the noise model and its constants.
// sgd: the model's own per-step sample (fresh minibatches, or kept observed entries) with step
// η; gd: the full data every step, no noise; langevin: the full gradient plus isotropic
// Gaussian noise sqrt(2η/β)·R. Which data a step sees is the model's business (its prepare());
// the rule only adds the noise.
#pragma once

#include "../core/host_device.hpp"

namespace orbitmc {

enum class NoiseModel : int { kSgd = 0, kGd = 1, kLangevin = 2 };

template <class T>
struct TrainRule {
  NoiseModel noise = NoiseModel::kGd;
  T eta = T(1e-3);   // learning rate
  T beta = T(1e4);   // inverse temperature of the Langevin noise
  T bound = T(1e6);  // |θ_k| beyond this (or a non-finite θ_k) stops the training: diverged
};

// Per block b of a training, the check of THEORY §7 on D_b = |u_b|² − |v_b|²: the residual
// r = (D' − D) − η²(|g_u|² − |g_v|²) of every step. GD and SGD: r is float rounding, and the
// largest |r| / (|u|² + |v|²) is kept; Langevin: r has mean 2η(n − m)/β, kept as Σr and Σr².
// The predicted change Σ η²(|g_u|² − |g_v|²) is kept too: over a run Σr = ΔD − that sum, so the
// identity is checked on the whole change of D even where one step's η² term is below the
// rounding of one step.
struct BalanceTally {
  static constexpr int kWords = 4;  // per block: max |r|/K, Σ r, Σ r², Σ η²(|g_u|² − |g_v|²)
};

}  // namespace orbitmc
