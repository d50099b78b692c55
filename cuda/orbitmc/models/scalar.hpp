// Model `scalar`: f = u·v with a quadratic loss ℓ(w) = (w − y)² / (2 s²), w = u·v. The group
// action is not free at w = 0, where the conditional measure has infinite mass, so the theory
// is compared on a window [a, b] ⊂ (0, ∞) (THEORY §4). The layout is always one (1, 1) block.
#pragma once

#include "../core/block_geometry.hpp"
#include "../core/philox_noise.hpp"  // NoiseKey of prepare()

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct ScalarModel {
  using Scalar = T;
  using Layout = L;
  static constexpr int kScratch = 0;

  L layout;
  T target;
  T width;
  const T* data = nullptr;  // no data set

  ORBITMC_HD int scratch_words() const { return 0; }
  ORBITMC_HD int coords() const { return 1; }  // w = u·v (signed)
  // Whether the loss is the same function of θ at every step (no per-step draw in prepare()):
  // a sampler may then carry L and ∇L of a state from one step to the next.
  ORBITMC_HD bool fixed_loss() const { return true; }
  // Per-step data (a fresh minibatch): none for this model.
  template <class Id, class W>
  ORBITMC_HD void prepare(NoiseKey, Id, uint64_t, W) const {}

  template <class V, class W>
  ORBITMC_HD elem_t<V> loss(const V& th, W) const {
    const elem_t<V> d = th[0] * th[1] - target;
    return d * d / (T(2) * width * width);
  }
  template <class V, class G, class W>
  ORBITMC_HD elem_t<V> loss_grad(const V& th, G g, W) const {
    const elem_t<V> d = th[0] * th[1] - target;
    const elem_t<V> r = d / (width * width);
    g[0] = r * th[1];
    g[1] = r * th[0];
    return T(0.5) * d * r;
  }
  template <class V>
  ORBITMC_HD elem_t<V> coord(const V& th, int /*k*/) const {
    return th[0] * th[1];
  }
};

}  // namespace orbitmc
