// Model `scalar`: f = u·v with a quadratic loss ℓ(w) = (w − y)² / (2 s²), w = u·v. The group
// action is not free at w = 0, where the conditional measure has infinite mass, so the theory
// is compared on a window [a, b] ⊂ (0, ∞) (THEORY §4).
#pragma once

#include "../block_geometry.hpp"

namespace orbitmc {

template <class T>
struct ScalarModel {
  using Layout = BlockLayout<1, 1, 1>;
  using Scalar = T;
  static constexpr int kDim = 2;
  static constexpr int kCoords = 1;  // w = u·v (signed)

  T target;
  T width;

  ORBITMC_HD T loss(const T* th) const {
    const T d = th[0] * th[1] - target;
    return d * d / (T(2) * width * width);
  }
  ORBITMC_HD T loss_grad(const T* th, T* g) const {
    const T d = th[0] * th[1] - target;
    const T r = d / (width * width);
    g[0] = r * th[1];
    g[1] = r * th[0];
    return T(0.5) * d * r;
  }
  ORBITMC_HD T coord(const T* th, int /*k*/) const { return th[0] * th[1]; }
};

}  // namespace orbitmc
