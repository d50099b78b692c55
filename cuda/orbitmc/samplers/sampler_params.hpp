// Parameters common to the samplers and the list of sampler kinds (THEORY §3).
#pragma once

#include "../core/host_device.hpp"

namespace orbitmc {

enum class SamplerKind : int {
  kAmbientEM = 0,              // Euler–Maruyama on L + (κ/2)|F|²
  kAmbientLM = 1,              // Leimkuhler–Matthews on L + (κ/2)|F|²
  kAmbientMALA = 2,            // Metropolis-adjusted Langevin on L + (κ/2)|F|²
  kConstrainedProjection = 3,  // projection Langevin on the slice, V = L + c/(2β) log det G
  kConstrainedMetropolis = 4,  // exact constrained Metropolis (Zappa et al. 2018)
  kNoiseCeiling = 5,           // benchmark ceiling: the noise of an EM step, trivial update
};

// The model type of a sampler type S (every sampler holds its model as member `model`).
template <class S>
using model_of = decltype(S::model);

template <class T>
struct SamplerParams {
  T beta = T(1);              // inverse temperature
  T h = T(1e-3);              // step size (proposal scale for constrained Metropolis)
  T kappa = T(0);             // stiff-penalty constant (ambient samplers)
  T correction_scale = T(1);  // c of the corrected potential (constrained samplers)
  T bound = T(1e6);           // |θ_k| beyond this counts as divergence
};

}  // namespace orbitmc
