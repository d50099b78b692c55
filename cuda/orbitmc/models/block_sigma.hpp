// Model `block`: one rank-one block (u ∈ R^n, v ∈ R^m) whose loss depends only on the scale
// coordinate σ = |u||v|: ℓ(σ) = (σ − σ0)² / (2 s²). The closed-form case of THEORY §4: the
// reference density of σ is known for every sampler.
#pragma once

#include "../core/block_geometry.hpp"
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
    const elem_t<V> d = geometry::sigma(layout, th, 0) - sigma0;
    return d * d / (T(2) * width * width);
  }
  // g ← ∇L; returns L. The gradient is (σ − σ0)/s² · ∇σ, computed from the norms once.
  template <class V, class G, class W>
  ORBITMC_HD elem_t<V> loss_grad(const V& th, G g, W) const {
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
  template <class V>
  ORBITMC_HD elem_t<V> coord(const V& th, int /*k*/) const {
    return geometry::sigma(layout, th, 0);
  }
};

}  // namespace orbitmc
