// Model `matfac`: M = U Vᵀ with U ∈ R^{R×K}, V ∈ R^{C×K} and the masked least-squares loss
// L = Σ_{(i,j) observed} (M_ij − T_ij)² / (2 s²) + (ρ/2) Σ_k σ_k² (the ridge keeps the law
// normalisable along unobserved directions). Column k is the block (u = U[:,k], v = V[:,k]);
// the symmetry used is the column rescaling (U[:,k], V[:,k]) → (g U[:,k], V[:,k] / g).
// Orbit coordinates: σ_k = |U[:,k]||V[:,k]| for each column, then M_00.
#pragma once

#include "../block_geometry.hpp"

namespace orbitmc {

template <class T, int R, int C, int K>
struct MatfacModel {
  using Layout = BlockLayout<K, R, C>;
  using Scalar = T;
  static constexpr int kDim = Layout::kDim;
  static constexpr int kCoords = K + 1;
  static constexpr int kRows = R;
  static constexpr int kCols = C;
  static constexpr int kRank = K;

  T target[R][C];
  T mask[R][C];  // 1 observed, 0 not
  T width;       // s
  T ridge;       // ρ of the invariant prior (ρ/2) Σ_b σ_b², which keeps the law normalisable

  ORBITMC_HD T entry(const T* th, int i, int j) const {
    T m = T(0);
#pragma unroll
    for (int k = 0; k < K; ++k) m += th[Layout::u(k, i)] * th[Layout::v(k, j)];
    return m;
  }
  ORBITMC_HD T loss(const T* th) const {
    T l = T(0);
#pragma unroll
    for (int i = 0; i < R; ++i)
#pragma unroll
      for (int j = 0; j < C; ++j) {
        const T r = mask[i][j] * (entry(th, i, j) - target[i][j]);
        l += r * r;
      }
    return l / (T(2) * width * width) + geometry::scale_ridge<Layout>(th, ridge);
  }
  ORBITMC_HD T loss_grad(const T* th, T* g) const {
#pragma unroll
    for (int k = 0; k < kDim; ++k) g[k] = T(0);
    const T inv_s2 = T(1) / (width * width);
    T l = T(0);
#pragma unroll
    for (int i = 0; i < R; ++i)
#pragma unroll
      for (int j = 0; j < C; ++j) {
        const T r = mask[i][j] * (entry(th, i, j) - target[i][j]);
        l += r * r;
        const T rs = r * inv_s2;
#pragma unroll
        for (int k = 0; k < K; ++k) {
          g[Layout::u(k, i)] += rs * th[Layout::v(k, j)];
          g[Layout::v(k, j)] += rs * th[Layout::u(k, i)];
        }
      }
    return T(0.5) * l * inv_s2 + geometry::scale_ridge<Layout>(th, ridge, g);
  }
  ORBITMC_HD T coord(const T* th, int k) const {
    return k < K ? geometry::sigma<Layout>(th, k) : entry(th, 0, 0);
  }
};

}  // namespace orbitmc
