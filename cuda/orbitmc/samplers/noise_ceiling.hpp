// Benchmark ceiling: draws exactly the noise an Euler–Maruyama step draws (same Philox calls,
// same Box–Muller) and applies a trivial update, so its chain-steps per second bound what any
// Langevin sampler of the same dimension can reach. Not a sampler of any law.
#pragma once

#include "../chain_state.hpp"
#include "../philox_noise.hpp"
#include "sampler_params.hpp"

namespace orbitmc {

template <class Model>
struct NoiseCeiling {
  using T = typename Model::Scalar;
  static constexpr int kDim = Model::kDim;
  Model model;
  SamplerParams<T> p;
  struct Carry {};

  ORBITMC_HD void begin(Carry&, NoiseKey, uint32_t, uint64_t) const {}
  ORBITMC_HD void step(T (&x)[kDim], Carry&, ChainCounters&, NoiseKey key, uint32_t chain,
                       uint64_t n) const {
    T r[kDim];
    normals<T, kDim>(key, kStreamLangevin, chain, n, r);
    const T s = om::sqrt(T(2) * p.h / p.beta);
#pragma unroll
    for (int k = 0; k < kDim; ++k) x[k] = T(0.999) * x[k] + s * r[k];
  }
};

}  // namespace orbitmc
