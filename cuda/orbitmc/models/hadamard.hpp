// Model `hadamard`: coefficients c = u ⊙ v, or c = u^0 ⊙ … ⊙ u^{L−1} at depth L (p blocks of L
// scalar factors, THEORY §4 "L-factor blocks"), predictions ŷ = D c for a
// design D ∈ R^{points×p} shared by every chain, and the least-squares loss
// L = Σ_i (D c − y)_i² / (2 s²) + (ρ/2) Σ_k c_k². The operator B of THEORY §5 (w = B c: identity,
// cumulative sum, cosine synthesis) is folded into D on the host (D = A·B), so the per-chain
// work is one product with a shared matrix. Block k is (u_k, v_k): (g u_k, v_k / g) keeps c (at
// depth L any rescaling of the L factors with product 1 does).
// Orbit coordinates: c_k = u_k v_k for k < p, then the data term |D c − y|² / points.
//
// The experiments (THEORY §8, 4 and 5) also train the baselines with the same data term: a
// layout with no blocks and p free parameters makes the coefficients plain (c = θ), with an
// optional L1 penalty λ Σ|c_k| (its subgradient λ·sign(c_k)); and batch > 0 makes each step's
// sum run over `batch` points drawn with replacement (prepare(), stream kStreamBatch).
#pragma once

#include "../core/factor_geometry.hpp"
#include "../core/philox_noise.hpp"  // NoiseKey of prepare()

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct HadamardModel {
  using Scalar = T;
  using Layout = L;  // p blocks of factors (1, …, 1), or no blocks and p free: plain coefficients
  static constexpr int kScratch = 0;  // the residual needs `points` words: general path only
  static_assert(!L::kFixed, "hadamard's scratch is sized at run time: general path only");

  L layout;
  int points;
  T width;                  // s
  T ridge;                  // ρ of the invariant prior (ρ/2) Σ_k c_k²
  const T* data = nullptr;  // D: points × p, row-major; then y: points
  T l1 = T(0);              // λ of λ Σ|c_k| (plain coefficients only)
  int batch = 0;            // 0: every point each step; > 0: points drawn per step

  ORBITMC_HD bool factored() const { return layout.blocks() > 0; }
  ORBITMC_HD int coefficients() const { return factored() ? layout.blocks() : layout.free_dim(); }
  ORBITMC_HD int terms() const { return batch > 0 ? batch : points; }  // points per step
  // Whether the loss is the same function of θ at every step (no per-step draw in prepare()):
  // a sampler may then carry L and ∇L of a state from one step to the next.
  ORBITMC_HD bool fixed_loss() const { return batch <= 0; }
  // Residuals of the step's points, then (batch > 0) the indices of those points.
  ORBITMC_HD int scratch_words() const { return batch > 0 ? 2 * batch : points; }
  ORBITMC_HD int coords() const { return coefficients() + 1; }
  // Draws this step's points (indices, stored as T: exact below 2^24) when batch > 0.
  template <class Id, class W>
  ORBITMC_HD void prepare(NoiseKey key, Id chain, uint64_t step, W ws) const {
    using E = elem_t<W>;
    for (int i = 0; i < batch; ++i) {
      const E u = uniform01<T>(key, kStreamBatch, chain, step, static_cast<uint32_t>(i));
      const E at = lane::floor(u * T(points));  // u01 may give exactly 1: clamp to the last point
      ws[batch + i] = lane::select(at < E(T(points)), at, E(T(points - 1)));
    }
  }
  ORBITMC_HD T design(int i, int k) const { return data[i * coefficients() + k]; }
  ORBITMC_HD T output(int i) const { return data[points * coefficients() + i]; }
  // c_k = u^0_k u^1_k … (left to right), or the free parameter k.
  template <class V>
  ORBITMC_HD elem_t<V> coef(const V& th, int k) const {
    if (!factored()) return th[layout.free(k)];
    elem_t<V> c = th[layout.at(k, 0, 0)];
    for (int j = 1; j < layout.factors(); ++j) c = c * th[layout.at(k, j, 0)];
    return c;
  }

  template <class V>
  ORBITMC_HD elem_t<V> residual(const V& th, int i) const {
    elem_t<V> f = elem_t<V>(T(0));
    for (int k = 0; k < coefficients(); ++k) f += design(i, k) * coef(th, k);
    return f - output(i);
  }
  // The residual at a drawn point (its index in lanes: each chain draws its own).
  template <class V, class E>
  ORBITMC_HD elem_t<V> residual_at(const V& th, const E& at) const {
    elem_t<V> f = elem_t<V>(T(0));
    for (int k = 0; k < coefficients(); ++k)
      f += lane::gather(data, at, coefficients(), k) * coef(th, k);
    return f - lane::gather(data, at, 1, points * coefficients());
  }
  template <class V>
  ORBITMC_HD elem_t<V> data_term(const V& th) const {
    elem_t<V> l = elem_t<V>(T(0));
    for (int i = 0; i < points; ++i) {
      const elem_t<V> r = residual(th, i);
      l += r * r;
    }
    return l;
  }
  template <class V>
  ORBITMC_HD elem_t<V> l1_term(const V& th) const {
    elem_t<V> a = elem_t<V>(T(0));
    if (!factored() && l1 != T(0))
      for (int k = 0; k < coefficients(); ++k) a += lane::fabs(th[layout.free(k)]);
    return l1 * a;
  }
  // The loss on every point (a minibatch model's loss is that of its full data set).
  template <class V, class W>
  ORBITMC_HD elem_t<V> loss(const V& th, W) const {
    return data_term(th) / (T(2) * width * width) +
           factor_geometry::scale_ridge(layout, th, ridge) + l1_term(th);
  }
  // r (scratch) holds the step's residuals; then g_c = Dᵀ r / s² and g_{u^j} = g_c Π_{i≠j} u^i
  // ((g_u, g_v) = g_c (v, u) for two factors).
  template <class V, class G, class W>
  ORBITMC_HD elem_t<V> loss_grad(const V& th, G g, W r) const {
    using E = elem_t<V>;
    const T inv_s2 = T(1) / (width * width);
    E l = E(T(0));
    for (int t = 0; t < terms(); ++t) {
      const E rt = batch > 0 ? residual_at(th, r[batch + t]) : residual(th, t);
      r[t] = rt * inv_s2;
      l += rt * rt;
    }
    for (int k = 0; k < coefficients(); ++k) {
      E gc = E(T(0));
      if (batch > 0) {
        for (int t = 0; t < batch; ++t)
          gc += lane::gather(data, r[batch + t], coefficients(), k) * r[t];
      } else {
        for (int t = 0; t < points; ++t) gc += design(t, k) * r[t];
      }
      if (factored()) {
        E f[L::kMaxFactors];
        for (int j = 0; j < layout.factors(); ++j) f[j] = th[layout.at(k, j, 0)];
        for (int j = 0; j < layout.factors(); ++j)
          g[layout.at(k, j, 0)] = gc * factor_geometry::product_of_others(layout, f, j);
      } else {
        const E c = th[layout.free(k)];
        const E zero = E(T(0));
        g[layout.free(k)] =
            gc + lane::select(c > zero, E(l1), lane::select(c < zero, E(-l1), zero));
      }
    }
    return T(0.5) * l * inv_s2 + factor_geometry::add_scale_ridge_grad(layout, th, ridge, g) +
           l1_term(th);
  }
  template <class V>
  ORBITMC_HD elem_t<V> coord(const V& th, int k) const {
    return k < coefficients() ? coef(th, k) : data_term(th) / T(points);
  }
};

}  // namespace orbitmc
