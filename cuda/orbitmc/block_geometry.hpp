// Geometry of a stack of rank-one blocks (THEORY §4): the state is B blocks laid out one after
// another, block b = (u ∈ R^N, v ∈ R^M) at offset b·(N+M). Every model of the paper is such a
// stack; this file holds what depends only on the layout, never on the loss: the generator
// ξ_b = (u, −v), the dual breaking condition F_b = (|u|² − |v|²)/2 with ∇F_b = ξ_b, the Gram
// determinant log det K = Σ_b log(|u_b|² + |v_b|²), the projection onto the slice along ∇F(θ),
// and the orbit coordinates σ_b = |u_b||v_b| and balance log(|u_b|/|v_b|).
#pragma once

#include "hd.hpp"

namespace orbitmc {

template <int B, int N, int M>
struct BlockLayout {
  static constexpr int kBlocks = B;
  static constexpr int kN = N;
  static constexpr int kM = M;
  static constexpr int kBlockDim = N + M;
  static constexpr int kDim = B * (N + M);
  static ORBITMC_HD constexpr int u(int b, int i) { return b * (N + M) + i; }
  static ORBITMC_HD constexpr int v(int b, int j) { return b * (N + M) + N + j; }
};

namespace geometry {

// |u_b|² and |v_b|².
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void norms2(const T* th, int b, T& uu, T& vv) {
  uu = T(0);
  vv = T(0);
#pragma unroll
  for (int i = 0; i < L::kN; ++i) uu += th[L::u(b, i)] * th[L::u(b, i)];
#pragma unroll
  for (int j = 0; j < L::kM; ++j) vv += th[L::v(b, j)] * th[L::v(b, j)];
}

// F_b(θ) = (|u_b|² − |v_b|²) / 2.
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE T constraint(const T* th, int b) {
  T uu, vv;
  norms2<L>(th, b, uu, vv);
  return T(0.5) * (uu - vv);
}

// ∇F_b(θ) = ξ_b(θ) = (u_b, −v_b), written into g (other blocks zero).
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void constraint_grad(const T* th, int b, T* g) {
#pragma unroll
  for (int k = 0; k < L::kDim; ++k) g[k] = T(0);
#pragma unroll
  for (int i = 0; i < L::kN; ++i) g[L::u(b, i)] = th[L::u(b, i)];
#pragma unroll
  for (int j = 0; j < L::kM; ++j) g[L::v(b, j)] = -th[L::v(b, j)];
}

// log det K = Σ_b log(|u_b|² + |v_b|²)  (K is diagonal: one group per block).
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE T log_det_gram(const T* th) {
  T s = T(0);
#pragma unroll
  for (int b = 0; b < L::kBlocks; ++b) {
    T uu, vv;
    norms2<L>(th, b, uu, vv);
    s += om::log(uu + vv);
  }
  return s;
}

// g += scale · ∇ log det K, with ∇ log K_b = 2 (u_b, v_b) / K_b.
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void add_log_det_gram_grad(const T* th, T scale, T* g) {
#pragma unroll
  for (int b = 0; b < L::kBlocks; ++b) {
    T uu, vv;
    norms2<L>(th, b, uu, vv);
    const T f = T(2) * scale / (uu + vv);
#pragma unroll
    for (int k = 0; k < L::kBlockDim; ++k) g[b * L::kBlockDim + k] += f * th[b * L::kBlockDim + k];
  }
}

// Stiff penalty (κ/2) Σ_b F_b²; returns it and adds its gradient κ Σ_b F_b ∇F_b to g.
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE T add_penalty_grad(const T* th, T kappa, T* g) {
  T pen = T(0);
#pragma unroll
  for (int b = 0; b < L::kBlocks; ++b) {
    T uu, vv;
    norms2<L>(th, b, uu, vv);
    const T f = T(0.5) * (uu - vv);
    pen += T(0.5) * kappa * f * f;
#pragma unroll
    for (int i = 0; i < L::kN; ++i) g[L::u(b, i)] += kappa * f * th[L::u(b, i)];
#pragma unroll
    for (int j = 0; j < L::kM; ++j) g[L::v(b, j)] -= kappa * f * th[L::v(b, j)];
  }
  return pen;
}

// Projects x̃ onto the slice along ∇F(θ) at the base point θ: per block,
// x' = (ũ + λu, ṽ − λv) with λ the root nearest 0 of
//   (|u|² − |v|²) λ² + 2(ũ·u + ṽ·v) λ + (|ũ|² − |ṽ|²) = 0.
// The stable form λ = c / q, q = −(b + sign(b)·sqrt(b² − 4ac))/2 gives that root and reduces
// to −c/b when a = 0 (θ on the slice). Writes out (may alias xt) and returns false when some
// block has no real root (the step must then be rejected).
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE bool project(const T* th, const T* xt, T* out) {
  bool ok = true;
#pragma unroll
  for (int b = 0; b < L::kBlocks; ++b) {
    T uu, vv, tuu, tvv, cross = T(0);
    norms2<L>(th, b, uu, vv);
    norms2<L>(xt, b, tuu, tvv);
#pragma unroll
    for (int i = 0; i < L::kN; ++i) cross += xt[L::u(b, i)] * th[L::u(b, i)];
#pragma unroll
    for (int j = 0; j < L::kM; ++j) cross += xt[L::v(b, j)] * th[L::v(b, j)];
    const T qa = uu - vv, qb = T(2) * cross, qc = tuu - tvv;
    const T disc = qb * qb - T(4) * qa * qc;
    const T q = T(-0.5) * (qb + (qb >= T(0) ? T(1) : T(-1)) * om::sqrt(disc > T(0) ? disc : T(0)));
    const bool good = disc >= T(0) && q != T(0);
    const T lam = good ? qc / q : T(0);
    ok = ok && good;
#pragma unroll
    for (int i = 0; i < L::kN; ++i) out[L::u(b, i)] = xt[L::u(b, i)] + lam * th[L::u(b, i)];
#pragma unroll
    for (int j = 0; j < L::kM; ++j) out[L::v(b, j)] = xt[L::v(b, j)] - lam * th[L::v(b, j)];
  }
  return ok;
}

// Removes from w its components along every ∇F_b(θ) (blocks are mutually orthogonal, so
// per-block projection is the orthogonal projection onto the tangent space of the slice).
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void project_tangent(const T* th, T* w) {
#pragma unroll
  for (int b = 0; b < L::kBlocks; ++b) {
    T gg = T(0), wg = T(0);
#pragma unroll
    for (int i = 0; i < L::kN; ++i) {
      gg += th[L::u(b, i)] * th[L::u(b, i)];
      wg += w[L::u(b, i)] * th[L::u(b, i)];
    }
#pragma unroll
    for (int j = 0; j < L::kM; ++j) {
      gg += th[L::v(b, j)] * th[L::v(b, j)];
      wg -= w[L::v(b, j)] * th[L::v(b, j)];
    }
    const T f = gg > T(0) ? wg / gg : T(0);
#pragma unroll
    for (int i = 0; i < L::kN; ++i) w[L::u(b, i)] -= f * th[L::u(b, i)];
#pragma unroll
    for (int j = 0; j < L::kM; ++j) w[L::v(b, j)] += f * th[L::v(b, j)];
  }
}

// Orbit coordinate σ_b = |u_b|·|v_b| (= ‖u_b v_bᵀ‖_F, invariant under the block's group).
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE T sigma(const T* th, int b) {
  T uu, vv;
  norms2<L>(th, b, uu, vv);
  return om::sqrt(uu * vv);
}

// Along-orbit coordinate: balance log(|u_b| / |v_b|) (0 on the slice).
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE T balance(const T* th, int b) {
  T uu, vv;
  norms2<L>(th, b, uu, vv);
  return T(0.5) * om::log(uu / vv);
}

// Invariant ridge (ρ/2) Σ_b σ_b² = (ρ/2) Σ_b |u_b|²|v_b|²: a prior on the orbit coordinates only
// (so the symmetry is kept) that keeps laws normalisable along directions the data leave free.
// Adds its gradient ρ (u_b |v_b|², v_b |u_b|²) to g when g is given; returns its value.
template <class L, class T>
ORBITMC_HD ORBITMC_FORCEINLINE T scale_ridge(const T* th, T rho, T* g = nullptr) {
  T r = T(0);
#pragma unroll
  for (int b = 0; b < L::kBlocks; ++b) {
    T uu, vv;
    norms2<L>(th, b, uu, vv);
    r += uu * vv;
    if (g) {
#pragma unroll
      for (int i = 0; i < L::kN; ++i) g[L::u(b, i)] += rho * vv * th[L::u(b, i)];
#pragma unroll
      for (int j = 0; j < L::kM; ++j) g[L::v(b, j)] += rho * uu * th[L::v(b, j)];
    }
  }
  return T(0.5) * rho * r;
}

}  // namespace geometry
}  // namespace orbitmc
