// Model `hadamard`: coefficients c = u ⊙ v (p blocks of size (1, 1)), predictions ŷ = D c for a
// design D ∈ R^{points×p} shared by every chain, and the least-squares loss
// L = |D c − y|² / (2 s²) + (ρ/2) Σ_k c_k². The operator B of THEORY §5 (w = B c: identity,
// cumulative sum, cosine synthesis) is folded into D on the host (D = A·B), so the per-chain
// work is one product with a shared matrix. Block k is (u_k, v_k): (g u_k, v_k / g) keeps c.
// Orbit coordinates: c_k = u_k v_k for k < p, then the data term |D c − y|² / points.
#pragma once

#include "../block_geometry.hpp"
#include "../philox_noise.hpp"  // NoiseKey of prepare()

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct HadamardModel {
  using Scalar = T;
  using Layout = L;                   // (p, 1, 1)
  static constexpr int kScratch = 0;  // the residual needs `points` words: general path only
  static_assert(!L::kFixed, "hadamard's scratch is sized at run time: general path only");

  L layout;
  int points;
  T width;                  // s
  T ridge;                  // ρ of the invariant prior (ρ/2) Σ_k c_k²
  const T* data = nullptr;  // D: points × p, row-major; then y: points

  ORBITMC_HD int scratch_words() const { return points; }
  ORBITMC_HD int coords() const { return layout.blocks() + 1; }
  // Per-step data (a fresh minibatch): none for this model.
  template <class W>
  ORBITMC_HD void prepare(NoiseKey, uint32_t, uint64_t, W) const {}
  ORBITMC_HD T design(int i, int k) const { return data[i * layout.blocks() + k]; }
  ORBITMC_HD T output(int i) const { return data[points * layout.blocks() + i]; }

  template <class V>
  ORBITMC_HD T residual(const V& th, int i) const {
    T f = T(0);
    for (int k = 0; k < layout.blocks(); ++k)
      f += design(i, k) * th[layout.u(k, 0)] * th[layout.v(k, 0)];
    return f - output(i);
  }
  template <class V>
  ORBITMC_HD T data_term(const V& th) const {
    T l = T(0);
    for (int i = 0; i < points; ++i) {
      const T r = residual(th, i);
      l += r * r;
    }
    return l;
  }
  template <class V, class W>
  ORBITMC_HD T loss(const V& th, W) const {
    return data_term(th) / (T(2) * width * width) + geometry::scale_ridge(layout, th, ridge);
  }
  // r (scratch) holds the residuals; then g_c = Dᵀ r / s² and (g_u, g_v) = g_c (v, u).
  template <class V, class G, class W>
  ORBITMC_HD T loss_grad(const V& th, G g, W r) const {
    const T inv_s2 = T(1) / (width * width);
    T l = T(0);
    for (int i = 0; i < points; ++i) {
      const T ri = residual(th, i);
      r[i] = ri * inv_s2;
      l += ri * ri;
    }
    for (int k = 0; k < layout.blocks(); ++k) {
      T gc = T(0);
      for (int i = 0; i < points; ++i) gc += design(i, k) * r[i];
      const T u = th[layout.u(k, 0)], v = th[layout.v(k, 0)];
      g[layout.u(k, 0)] = gc * v;
      g[layout.v(k, 0)] = gc * u;
    }
    return T(0.5) * l * inv_s2 + geometry::add_scale_ridge_grad(layout, th, ridge, g);
  }
  template <class V>
  ORBITMC_HD T coord(const V& th, int k) const {
    return k < layout.blocks() ? th[layout.u(k, 0)] * th[layout.v(k, 0)]
                               : data_term(th) / T(points);
  }
};

}  // namespace orbitmc
