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
  // g ← ∇L; returns L. The gradient is (σ − σ0)/s² · ∇σ, computed from the norms once.
  ORBITMC_HD T loss_grad(const T* th, T* g) const {
    T uu, vv;
    geometry::norms2<Layout>(th, 0, uu, vv);
    const T p = uu * vv;
    const T r = p > T(0) ? om::rsqrt(p) : T(0);
    const T d = p * r - sigma0;
    const T inv_s2 = T(1) / (width * width);
    const T f = d * inv_s2 * r;
#pragma unroll
    for (int i = 0; i < N; ++i) g[Layout::u(0, i)] = f * vv * th[Layout::u(0, i)];
#pragma unroll
    for (int j = 0; j < M; ++j) g[Layout::v(0, j)] = f * uu * th[Layout::v(0, j)];
    return T(0.5) * d * d * inv_s2;
  }
  ORBITMC_HD T coord(const T* th, int /*k*/) const { return geometry::sigma<Layout>(th, 0); }
};

}  // namespace orbitmc
