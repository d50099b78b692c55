// Model `block`: one block of L ≥ 2 factors (u ∈ R^n, v ∈ R^m for two; u^0, …, u^{L−1} for
// more) whose loss depends only on the scale coordinate σ = Π_k |u^k|: ℓ(σ) = (σ − σ0)² / (2 s²).
// The closed-form case of THEORY §4: the reference density of σ is known for every sampler and
// every depth.
#pragma once

#include "../core/factor_geometry.hpp"
#include "../core/philox_noise.hpp"  // NoiseKey of prepare()

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct BlockSigmaModel {
  using Scalar = T;
  using Layout = L;
  static constexpr int kScratch = 0;

  L layout;
  T sigma0;
  T width;
  const T* data = nullptr;  // no data set

  ORBITMC_HD int scratch_words() const { return 0; }
  ORBITMC_HD int coords() const { return 1; }  // σ
  // Whether the loss is the same function of θ at every step (no per-step draw in prepare()):
  // a sampler may then carry L and ∇L of a state from one step to the next.
  ORBITMC_HD bool fixed_loss() const { return true; }
  // Per-step data (a fresh minibatch): none for this model.
  template <class Id, class W>
  ORBITMC_HD void prepare(NoiseKey, Id, uint64_t, W) const {}

  template <class V, class W>
  ORBITMC_HD elem_t<V> loss(const V& th, W) const {
    const elem_t<V> d = factor_geometry::sigma(layout, th, 0) - sigma0;
    return d * d / (T(2) * width * width);
  }
  // g ← ∇L; returns L. With r_k = |u^k|² and p = Π r_k = σ², ∇_{u^k} σ = σ/r_k·u^k =
  // Π_{j≠k} r_j·u^k/σ, so the gradient is (σ − σ0)/(s²σ)·Π_{j≠k} r_j·u^k, from the norms once.
  // Two factors keep their own arithmetic (u: (σ − σ0)/(s²σ)·|v|²·u): the same operations as
  // the general form, but the register path's code, on which MALA's carried gradient relies to
  // be bit-identical to a recomputed one, stays exactly as it was.
  template <class V, class G, class W>
  ORBITMC_HD elem_t<V> loss_grad(const V& th, G g, W) const {
    if constexpr (L::kMaxFactors == 2) {
      return loss_grad_two(th, g);
    } else {
      if (layout.factors() == 2) return loss_grad_two(th, g);
      return loss_grad_deep(th, g);
    }
  }
  template <class V, class G>
  ORBITMC_HD elem_t<V> loss_grad_two(const V& th, G g) const {
    using E = elem_t<V>;
    E uu, vv;
    geometry::norms2(layout, th, 0, uu, vv);
    const E p = uu * vv;
    const E r = lane::select(p > E(T(0)), lane::rsqrt(p), E(T(0)));
    const E d = p * r - sigma0;
    const T inv_s2 = T(1) / (width * width);
    const E f = d * inv_s2 * r;
#pragma unroll
    for (int i = 0; i < layout.n(); ++i) g[layout.u(0, i)] = f * vv * th[layout.u(0, i)];
#pragma unroll
    for (int j = 0; j < layout.m(); ++j) g[layout.v(0, j)] = f * uu * th[layout.v(0, j)];
    return T(0.5) * d * d * inv_s2;
  }
  template <class V, class G>
  ORBITMC_HD elem_t<V> loss_grad_deep(const V& th, G g) const {
    using E = elem_t<V>;
    E r[L::kMaxFactors] = {};  // zeroed: the compiler cannot see that factors() >= 1
    const E p = factor_geometry::sigma2_and_norms(layout, th, 0, r);
    const E rs = lane::select(p > E(T(0)), lane::rsqrt(p), E(T(0)));
    const E d = p * rs - sigma0;
    const T inv_s2 = T(1) / (width * width);
    const E f = d * inv_s2 * rs;
    for (int k = 0; k < layout.factors(); ++k) {
      const E fk = f * factor_geometry::product_of_others(layout, r, k);
      for (int i = 0; i < layout.factor_size(k); ++i)
        g[layout.at(0, k, i)] = fk * th[layout.at(0, k, i)];
    }
    return T(0.5) * d * d * inv_s2;
  }
  template <class V>
  ORBITMC_HD elem_t<V> coord(const V& th, int /*k*/) const {
    return factor_geometry::sigma(layout, th, 0);
  }
};

}  // namespace orbitmc
