// Geometry of a stack of rank-one blocks (THEORY §4), for any layout (block_layout.hpp) and any
// vector view (vector_view.hpp). What depends only on the layout, never on the loss: the
// generator ξ_b = (u, −v), the dual breaking condition F_b = (|u|² − |v|²)/2 with ∇F_b = ξ_b,
// the Gram determinant log det K = Σ_b log(|u_b|² + |v_b|²), the projection onto the slice
// along ∇F(θ), and the orbit coordinates σ_b = |u_b||v_b| and balance log(|u_b|/|v_b|). Free
// parameters (no group) are left alone by every function here.
#pragma once

#include "block_layout.hpp"
#include "host_device.hpp"
#include "vector_view.hpp"

namespace orbitmc {
namespace geometry {

// |u_b|² and |v_b|².
template <class L, class V, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void norms2(const L& l, const V& th, int b, T& uu, T& vv) {
  uu = T(0.0f);
  vv = T(0.0f);
#pragma unroll
  for (int i = 0; i < l.n(); ++i) uu += th[l.u(b, i)] * th[l.u(b, i)];
#pragma unroll
  for (int j = 0; j < l.m(); ++j) vv += th[l.v(b, j)] * th[l.v(b, j)];
}

// F_b(θ) = (|u_b|² − |v_b|²) / 2.
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> constraint(const L& l, const V& th, int b) {
  elem_t<V> uu, vv;
  norms2(l, th, b, uu, vv);
  return elem_t<V>(0.5) * (uu - vv);
}

// ∇F_b(θ) = ξ_b(θ) = (u_b, −v_b), written into g (other blocks and free parameters zero).
template <class L, class V, class G>
ORBITMC_HD ORBITMC_FORCEINLINE void constraint_grad(const L& l, const V& th, int b, G g) {
  using T = elem_t<V>;
#pragma unroll
  for (int k = 0; k < l.dim(); ++k) g[k] = T(0.0f);
#pragma unroll
  for (int i = 0; i < l.n(); ++i) g[l.u(b, i)] = th[l.u(b, i)];
#pragma unroll
  for (int j = 0; j < l.m(); ++j) g[l.v(b, j)] = -th[l.v(b, j)];
}

// log det K = Σ_b log(|u_b|² + |v_b|²)  (K is diagonal: one group per block).
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> log_det_gram(const L& l, const V& th) {
  using T = elem_t<V>;
  T s = T(0.0f);
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    T uu, vv;
    norms2(l, th, b, uu, vv);
    s += lane::log(uu + vv);
  }
  return s;
}

// g += scale · ∇ log det K, with ∇ log K_b = 2 (u_b, v_b) / K_b.
template <class L, class X, class G, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void add_log_det_gram_grad(const L& l, const X& th, T scale, G g) {
  using V = elem_t<X>;
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    V uu, vv;
    norms2(l, th, b, uu, vv);
    const V f = T(2) * scale / (uu + vv);
#pragma unroll
    for (int k = 0; k < l.block_dim(); ++k)
      g[b * l.block_dim() + k] += f * th[b * l.block_dim() + k];
  }
}

// Stiff penalty (κ/2) Σ_b F_b²; returns it and adds its gradient κ Σ_b F_b ∇F_b to g.
template <class L, class V, class G, class T>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> add_penalty_grad(const L& l, const V& th, T kappa, G g) {
  using E = elem_t<V>;
  E pen = E(0.0f);
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    E uu, vv;
    norms2(l, th, b, uu, vv);
    const E f = T(0.5) * (uu - vv);
    pen += T(0.5) * kappa * f * f;
    const E kf = kappa * f;
#pragma unroll
    for (int i = 0; i < l.n(); ++i) g[l.u(b, i)] += kf * th[l.u(b, i)];
#pragma unroll
    for (int j = 0; j < l.m(); ++j) g[l.v(b, j)] -= kf * th[l.v(b, j)];
  }
  return pen;
}

// Projects x̃ onto the slice along ∇F(θ) at the base point θ: per block,
// x' = (ũ + λu, ṽ − λv) with λ the root nearest 0 of
//   (|u|² − |v|²) λ² + 2(ũ·u + ṽ·v) λ + (|ũ|² − |ṽ|²) = 0.
// The stable form λ = c / q, q = −(b + sign(b)·sqrt(b² − 4ac))/2 gives that root and reduces
// to −c/b when a = 0 (θ on the slice). Writes out (may alias xt; free parameters are copied)
// and returns false when some block has no real root (the step must then be rejected).
template <class L, class V, class X, class O>
ORBITMC_HD ORBITMC_FORCEINLINE mask_t<elem_t<V>> project(const L& l, const V& th, const X& xt,
                                                         O out) {
  using T = elem_t<V>;
  mask_t<T> ok(true);
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    T uu, vv, tuu, tvv, cross = T(0.0f);
    norms2(l, th, b, uu, vv);
    norms2(l, xt, b, tuu, tvv);
#pragma unroll
    for (int i = 0; i < l.n(); ++i) cross += xt[l.u(b, i)] * th[l.u(b, i)];
#pragma unroll
    for (int j = 0; j < l.m(); ++j) cross += xt[l.v(b, j)] * th[l.v(b, j)];
    const T qa = uu - vv, qb = T(2.0f) * cross, qc = tuu - tvv;
    const T disc = qb * qb - T(4.0f) * qa * qc;
    const T zero(0.0f);
    const T root = lane::sqrt(lane::select(disc > zero, disc, zero));
    const T q = T(-0.5f) * (qb + lane::select(qb >= zero, root, -root));
    const auto good = (disc >= zero) & (q != zero);
    const T lam = lane::select(good, qc / q, zero);
    ok = ok & good;
#pragma unroll
    for (int i = 0; i < l.n(); ++i) out[l.u(b, i)] = xt[l.u(b, i)] + lam * th[l.u(b, i)];
#pragma unroll
    for (int j = 0; j < l.m(); ++j) out[l.v(b, j)] = xt[l.v(b, j)] - lam * th[l.v(b, j)];
  }
#pragma unroll
  for (int k = 0; k < l.free_dim(); ++k) out[l.free(k)] = xt[l.free(k)];
  return ok;
}

// Removes from w its components along every ∇F_b(θ) (blocks are mutually orthogonal, so
// per-block projection is the orthogonal projection onto the tangent space of the slice).
template <class L, class V, class W>
ORBITMC_HD ORBITMC_FORCEINLINE void project_tangent(const L& l, const V& th, W w) {
  using T = elem_t<V>;
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    T gg = T(0.0f), wg = T(0.0f);
#pragma unroll
    for (int i = 0; i < l.n(); ++i) {
      gg += th[l.u(b, i)] * th[l.u(b, i)];
      wg += w[l.u(b, i)] * th[l.u(b, i)];
    }
#pragma unroll
    for (int j = 0; j < l.m(); ++j) {
      gg += th[l.v(b, j)] * th[l.v(b, j)];
      wg -= w[l.v(b, j)] * th[l.v(b, j)];
    }
    const T f = lane::select(gg > T(0.0f), wg / gg, T(0.0f));
#pragma unroll
    for (int i = 0; i < l.n(); ++i) w[l.u(b, i)] -= f * th[l.u(b, i)];
#pragma unroll
    for (int j = 0; j < l.m(); ++j) w[l.v(b, j)] += f * th[l.v(b, j)];
  }
}

// Orbit coordinate σ_b = |u_b|·|v_b| (= ‖u_b v_bᵀ‖_F, invariant under the block's group).
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> sigma(const L& l, const V& th, int b) {
  elem_t<V> uu, vv;
  norms2(l, th, b, uu, vv);
  return lane::sqrt(uu * vv);
}

// Along-orbit coordinate: balance log(|u_b| / |v_b|) (0 on the slice).
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> balance(const L& l, const V& th, int b) {
  elem_t<V> uu, vv;
  norms2(l, th, b, uu, vv);
  return elem_t<V>(0.5) * lane::log(uu / vv);
}

// Invariant ridge (ρ/2) Σ_b σ_b² = (ρ/2) Σ_b |u_b|²|v_b|²: a prior on the orbit coordinates only
// (so the symmetry is kept) that keeps laws normalisable along directions the data leave free.
// Adds its gradient ρ (u_b |v_b|², v_b |u_b|²) to *g when g is given; returns its value.
template <class L, class V, class T>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> scale_ridge(const L& l, const V& th, T rho) {
  using E = elem_t<V>;
  E r = E(0.0f);
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    E uu, vv;
    norms2(l, th, b, uu, vv);
    r += uu * vv;
  }
  return T(0.5) * rho * r;
}
template <class L, class V, class T, class G>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> add_scale_ridge_grad(const L& l, const V& th, T rho, G g) {
  using E = elem_t<V>;
  E r = E(0.0f);
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    E uu, vv;
    norms2(l, th, b, uu, vv);
    r += uu * vv;
#pragma unroll
    for (int i = 0; i < l.n(); ++i) g[l.u(b, i)] += rho * vv * th[l.u(b, i)];
#pragma unroll
    for (int j = 0; j < l.m(); ++j) g[l.v(b, j)] += rho * uu * th[l.v(b, j)];
  }
  return T(0.5) * rho * r;
}

}  // namespace geometry
}  // namespace orbitmc
