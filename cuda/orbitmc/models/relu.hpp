// Model `relu`: P ReLU units f(x) = Σ_j a_j relu(w_j · x), w_j ∈ R^DIN, with the least-squares
// loss L = Σ_i (f(x_i) − y_i)² / (2 s²) on NPTS fixed data points (generated on the host from
// a seed). Unit j is the block (u = a_j, v = w_j): (a, w) → (g a, w / g) leaves f unchanged.
// Orbit coordinates: σ_j = |a_j||w_j| for each unit, then f(x_0) on the first data point.
#pragma once

#include "../block_geometry.hpp"

namespace orbitmc {

template <class T, int P, int DIN, int NPTS>
struct ReluModel {
  using Layout = BlockLayout<P, 1, DIN>;
  using Scalar = T;
  static constexpr int kDim = Layout::kDim;
  static constexpr int kCoords = P + 1;
  static constexpr int kUnits = P;
  static constexpr int kInputDim = DIN;
  static constexpr int kPoints = NPTS;

  T x[NPTS][DIN];
  T y[NPTS];
  T width;  // s
  T ridge;  // ρ of the invariant prior (ρ/2) Σ_b σ_b², which keeps the law normalisable

  ORBITMC_HD T predict(const T* th, const T* xi) const {
    T f = T(0);
#pragma unroll
    for (int j = 0; j < P; ++j) {
      T z = T(0);
#pragma unroll
      for (int k = 0; k < DIN; ++k) z += th[Layout::v(j, k)] * xi[k];
      f += th[Layout::u(j, 0)] * (z > T(0) ? z : T(0));
    }
    return f;
  }
  ORBITMC_HD T loss(const T* th) const {
    T l = T(0);
#pragma unroll
    for (int i = 0; i < NPTS; ++i) {
      const T r = predict(th, x[i]) - y[i];
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
    for (int i = 0; i < NPTS; ++i) {
      T z[P];
      T f = T(0);
#pragma unroll
      for (int j = 0; j < P; ++j) {
        z[j] = T(0);
#pragma unroll
        for (int k = 0; k < DIN; ++k) z[j] += th[Layout::v(j, k)] * x[i][k];
        f += th[Layout::u(j, 0)] * (z[j] > T(0) ? z[j] : T(0));
      }
      const T r = f - y[i];
      l += r * r;
      const T rs = r * inv_s2;
#pragma unroll
      for (int j = 0; j < P; ++j) {
        if (z[j] > T(0)) {
          g[Layout::u(j, 0)] += rs * z[j];
#pragma unroll
          for (int k = 0; k < DIN; ++k) g[Layout::v(j, k)] += rs * th[Layout::u(j, 0)] * x[i][k];
        }
      }
    }
    return T(0.5) * l * inv_s2 + geometry::scale_ridge<Layout>(th, ridge, g);
  }
  ORBITMC_HD T coord(const T* th, int k) const {
    return k < P ? geometry::sigma<Layout>(th, k) : predict(th, x[0]);
  }
};

}  // namespace orbitmc
