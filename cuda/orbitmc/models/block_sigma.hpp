// Model `block`: one rank-one block (u ∈ R^N, v ∈ R^M) whose loss depends only on the scale
// coordinate σ = |u||v|: ℓ(σ) = (σ − σ0)² / (2 s²). The closed-form case of THEORY §4: the
// reference density of σ is known for every sampler.
#pragma once

#include "../block_geometry.hpp"

namespace orbitmc {

template <class T, int N, int M>
struct BlockSigmaModel {
  using Layout = BlockLayout<1, N, M>;
  using Scalar = T;
  static constexpr int kDim = Layout::kDim;
  static constexpr int kCoords = 1;  // σ

  T sigma0;
  T width;

  ORBITMC_HD T loss(const T* th) const {
    const T d = geometry::sigma<Layout>(th, 0) - sigma0;
    return d * d / (T(2) * width * width);
  }
  // g ← ∇L; returns L.
  ORBITMC_HD T loss_grad(const T* th, T* g) const {
#pragma unroll
    for (int k = 0; k < kDim; ++k) g[k] = T(0);
    const T d = geometry::sigma<Layout>(th, 0) - sigma0;
    const T inv_s2 = T(1) / (width * width);
    geometry::add_sigma_grad<Layout>(th, 0, d * inv_s2, g);
    return T(0.5) * d * d * inv_s2;
  }
  ORBITMC_HD T coord(const T* th, int /*k*/) const { return geometry::sigma<Layout>(th, 0); }
};

}  // namespace orbitmc
