// Constrained Langevin by projection (Ciccotti–Lelièvre–Vanden-Eijnden 2008; THEORY §3):
// an Euler–Maruyama step on V = L + c/(2β) log det G, then projection back onto the slice
// along ∇F at the old point. Samples exp(−βL)·det G^{−c/2} dσ with O(h) bias: c = 1 is the
// theorem's law μ_S, c = 0 the uncorrected control that must fail.
#pragma once

#include "../core/chain_state.hpp"
#include "../core/factor_geometry.hpp"
#include "../core/philox_noise.hpp"
#include "ambient_langevin.hpp"
#include "sampler_base.hpp"

namespace orbitmc {

template <class Model>
struct ConstrainedProjection : SamplerBase<Model> {
  static constexpr SamplerKind kKind = SamplerKind::kConstrainedProjection;
  static constexpr const char* kName = "constrained_projection";
  static constexpr const char* kHelp =
      "Langevin on the slice with projection, law exp(-beta L) det G^(-c/2) with O(h) bias (keys "
      "h, c)";
  static constexpr bool kConstrained = true;
  static constexpr bool kExact = false;
  using typename SamplerBase<Model>::T;
  using SamplerBase<Model>::model;
  using SamplerBase<Model>::p;
  static constexpr int kVectors = 3;  // ∇V, R, unconstrained move

  template <class X, class W, class C, class Id>
  ORBITMC_HD void step(X x, W& w, C& c, NoiseKey key, Id chain, uint64_t n) const {
    model.prepare(key, chain, n, w.model_ws());  // this step's minibatch, if any
    const int d = model.layout.dim();
    auto g = w.vec(0);
    auto r = w.vec(1);
    auto xt = w.vec(2);
    model.loss_grad(x, g, w.model_ws());
    factor_geometry::add_log_det_gram_grad(model.layout, x, p.correction_scale / (T(2) * p.beta),
                                           g);
    normals(key, kStreamLangevin, chain, n, d, r);
    euler_maruyama_move(d, x, g, r, p.h, p.beta, xt);
    const auto projected = factor_geometry::project(model.layout, x, xt, xt);
    commit_or_diverge(d, x, xt, p.bound, c, projected);
    // A failed projection keeps x; a NaN state must not pass as a failure.
    lane::count_where(c.failed, state_is_sane(d, x, p.bound, c, !projected));
  }
};

}  // namespace orbitmc
