// Constrained Langevin by projection (Ciccotti–Lelièvre–Vanden-Eijnden 2008; THEORY §3):
// an Euler–Maruyama step on V = L + c/(2β) log det G, then projection back onto the slice
// along ∇F at the old point. Samples exp(−βL)·det G^{−c/2} dσ with O(h) bias: c = 1 is the
// theorem's law μ_S, c = 0 the uncorrected control that must fail.
#pragma once

#include "../block_geometry.hpp"
#include "../chain_state.hpp"
#include "../philox_noise.hpp"
#include "ambient_langevin.hpp"
#include "sampler_params.hpp"

namespace orbitmc {

template <class Model>
struct ConstrainedProjection {
  using T = typename Model::Scalar;
  using L = typename Model::Layout;
  static constexpr int kDim = Model::kDim;
  Model model;
  SamplerParams<T> p;

  struct Carry {};
  ORBITMC_HD void begin(Carry&, NoiseKey, uint32_t, uint64_t) const {}
  ORBITMC_HD void step(T (&x)[kDim], Carry&, ChainCounters& c, NoiseKey key, uint32_t chain,
                       uint64_t n) const {
    T g[kDim], r[kDim], xt[kDim];
    model.loss_grad(x, g);
    geometry::add_log_det_gram_grad<L>(x, p.c / (T(2) * p.beta), g);
    normals<T, kDim>(key, kStreamLangevin, chain, n, r);
    euler_maruyama_move(x, g, r, p.h, p.beta, xt);
    if (geometry::project<L>(x, xt, xt)) {
      commit_or_diverge(x, xt, p.bound, c);
    } else if (state_is_sane(x, p.bound, c)) {  // a NaN state must not pass as a failure
      ++c.failed;
    }
  }
};

}  // namespace orbitmc
