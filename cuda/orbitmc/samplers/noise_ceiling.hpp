// Benchmark ceiling: draws exactly the noise an Euler–Maruyama step draws (same Philox calls,
// same Box–Muller) and applies a trivial update, so its chain-steps per second bound what any
// Langevin sampler of the same dimension can reach. Not a sampler of any law.
#pragma once

#include "../core/chain_state.hpp"
#include "../core/philox_noise.hpp"
#include "sampler_base.hpp"

namespace orbitmc {

template <class Model>
struct NoiseCeiling : SamplerBase<Model> {
  static constexpr SamplerKind kKind = SamplerKind::kNoiseCeiling;
  static constexpr const char* kName = "noise_ceiling";
  static constexpr const char* kHelp =
      "benchmark ceiling: the noise of an EM step with a trivial update; samples no law";
  static constexpr bool kConstrained = false;
  static constexpr bool kExact = false;
  static constexpr bool kSamplesALaw = false;
  using typename SamplerBase<Model>::T;
  using SamplerBase<Model>::model;
  using SamplerBase<Model>::p;
  static constexpr int kVectors = 1;  // R

  template <class X, class W, class C, class Id>
  ORBITMC_HD void step(X x, W& w, C&, NoiseKey key, Id chain, uint64_t n) const {
    const int d = model.layout.dim();
    auto r = w.vec(0);
    normals(key, kStreamLangevin, chain, n, d, r);
    const T s = lane::sqrt(T(2) * p.h / p.beta);
#pragma unroll
    for (int k = 0; k < d; ++k) x[k] = T(0.999) * x[k] + s * r[k];
  }
};

}  // namespace orbitmc
