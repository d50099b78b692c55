// Exact constrained Metropolis on the slice (Zappa, Holmes-Cerfon, Goodman 2018; THEORY §3).
// From x on S: tangent proposal v = h·P_T(x) R, projection y = x + v + Σ λ_b ∇F_b(x) onto S;
// reverse tangent v' = P_T(y)(x − y), whose projection from y must land back on x (else the
// move is rejected, keeping the chain reversible); acceptance with the ratio of target
// densities w.r.t. dσ, π ∝ exp(−βL)·det G^{−c/2}, times the ratio of tangent proposal
// densities exp(−(|v'|² − |v|²)/(2h²)). Unbiased for any h.
#pragma once

#include "../core/chain_state.hpp"
#include "../core/factor_geometry.hpp"
#include "../core/philox_noise.hpp"
#include "sampler_base.hpp"

namespace orbitmc {

template <class Model>
struct ConstrainedMetropolis : SamplerBase<Model> {
  static constexpr SamplerKind kKind = SamplerKind::kConstrainedMetropolis;
  static constexpr const char* kName = "constrained_metropolis";
  static constexpr const char* kHelp =
      "exact Metropolis on the slice (Zappa et al. 2018), law exp(-beta L) det G^(-c/2) (keys h, "
      "c)";
  static constexpr bool kConstrained = true;
  static constexpr bool kExact = true;
  using typename SamplerBase<Model>::T;
  using SamplerBase<Model>::model;
  using SamplerBase<Model>::p;
  static constexpr int kVectors = 4;  // tangent move v, proposal y, reverse move w, return point

  // log π(x) = −βL(x) − (c/2) log det G(x)  (G = K on the slice).
  template <class X, class W>
  ORBITMC_HD elem_t<X> log_target(const X& x, W ws) const {
    return -p.beta * model.loss(x, ws) -
           T(0.5) * p.correction_scale * factor_geometry::log_det_gram(model.layout, x);
  }

  // Relative tolerance for the reverse projection to count as landing on x.
  static ORBITMC_HD constexpr T reverse_tolerance() { return sizeof(T) == 4 ? T(1e-3) : T(1e-7); }

  // Every chain runs the whole step; the outcome is chosen by masks at the end (a projection
  // that fails leaves a finite point, so the rest of the step stays finite and is discarded).
  template <class X, class W, class C, class Id>
  ORBITMC_HD void step(X x, W& work, C& c, NoiseKey key, Id chain, uint64_t n) const {
    using V = elem_t<X>;
    model.prepare(key, chain, n, work.model_ws());  // this step's minibatch, if any
    const auto& l = model.layout;
    const int d = l.dim();
    auto v = work.vec(0);
    auto y = work.vec(1);
    auto w = work.vec(2);
    auto back = work.vec(3);
    normals(key, kStreamLangevin, chain, n, d, v);
#pragma unroll
    for (int k = 0; k < d; ++k) v[k] *= p.h;
    factor_geometry::project_tangent(l, x, v);
#pragma unroll
    for (int k = 0; k < d; ++k) y[k] = x[k] + v[k];
    const auto forward_ok = factor_geometry::project(l, x, y, y);
    // Reverse move: tangent at y pointing to x, then the projection along ∇F(y).
    V xx = V(0);
#pragma unroll
    for (int k = 0; k < d; ++k) {
      w[k] = x[k] - y[k];
      xx += x[k] * x[k];
    }
    factor_geometry::project_tangent(l, y, w);
#pragma unroll
    for (int k = 0; k < d; ++k) back[k] = y[k] + w[k];
    V miss = V(0);
    const auto back_ok = factor_geometry::project(l, y, back, back);
#pragma unroll
    for (int k = 0; k < d; ++k) miss += (back[k] - x[k]) * (back[k] - x[k]);
    const T tol = reverse_tolerance();
    const auto reversible = forward_ok & back_ok & (miss <= tol * tol * (T(1) + xx));
    V vv = V(0), ww = V(0);
#pragma unroll
    for (int k = 0; k < d; ++k) {
      vv += v[k] * v[k];
      ww += w[k] * w[k];
    }
    const V log_alpha = log_target(y, work.model_ws()) - log_target(x, work.model_ws()) -
                        (ww - vv) / (T(2) * p.h * p.h);
    const V u = uniform01<T>(key, kStreamAccept, chain, n);
    const auto accept = reversible & lane::finite(log_alpha) & (lane::log(u) < log_alpha);
    commit_or_diverge(d, x, y, p.bound, c, accept);
    // Failures and rejections keep x (accept implies reversible); a NaN state must not pass as
    // either, so the bound is checked once for both.
    const auto kept = state_is_sane(d, x, p.bound, c, !accept);
    lane::count_where(c.failed, kept & !reversible);
    lane::count_where(c.rejected, kept & reversible);
  }
};

}  // namespace orbitmc
