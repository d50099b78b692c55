// Model `relu`: P ReLU units f(x) = Σ_j a_j relu(w_j · x), w_j ∈ R^d, with the least-squares
// loss L = Σ_i (f(x_i) − y_i)² / (2 s²) + (ρ/2) Σ_j σ_j² on a fixed data set (inputs x_i, targets
// y_i in device memory, generated on the host from data_seed). Unit j is the block
// (u = a_j, v = w_j): (a, w) → (g a, w / g) leaves f unchanged.
// Orbit coordinates: σ_j = |a_j||w_j| for each unit, then f(x_0) on the first data point.
#pragma once

#include "../block_geometry.hpp"

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct ReluModel {
  using Scalar = T;
  using Layout = L;                            // (units, 1, input dimension)
  static constexpr int kScratch = L::kBlocks;  // pre-activations of one data point

  L layout;
  int points;
  T width;  // s
  T ridge;  // ρ of the invariant prior (ρ/2) Σ_b σ_b², which keeps the law normalisable
  const T* data = nullptr;  // x: points × d, row-major; then y: points

  ORBITMC_HD int scratch_words() const { return layout.blocks(); }
  ORBITMC_HD int coords() const { return layout.blocks() + 1; }
  ORBITMC_HD const T* input(int i) const { return data + i * layout.m(); }
  ORBITMC_HD T output(int i) const { return data[points * layout.m() + i]; }

  template <class V>
  ORBITMC_HD T predict(const V& th, const T* xi) const {
    T f = T(0);
#pragma unroll
    for (int j = 0; j < layout.blocks(); ++j) {
      T z = T(0);
#pragma unroll
      for (int k = 0; k < layout.m(); ++k) z += th[layout.v(j, k)] * xi[k];
      f += th[layout.u(j, 0)] * (z > T(0) ? z : T(0));
    }
    return f;
  }
  template <class V, class W>
  ORBITMC_HD T loss(const V& th, W) const {
    T l = T(0);
    for (int i = 0; i < points; ++i) {
      const T r = predict(th, input(i)) - output(i);
      l += r * r;
    }
    return l / (T(2) * width * width) + geometry::scale_ridge(layout, th, ridge);
  }
  // z (scratch) holds one point's pre-activations between the forward and backward pass.
  template <class V, class G, class W>
  ORBITMC_HD T loss_grad(const V& th, G g, W z) const {
#pragma unroll
    for (int k = 0; k < layout.dim(); ++k) g[k] = T(0);
    const T inv_s2 = T(1) / (width * width);
    T l = T(0);
    for (int i = 0; i < points; ++i) {
      const T* xi = input(i);
      T f = T(0);
#pragma unroll
      for (int j = 0; j < layout.blocks(); ++j) {
        T zj = T(0);
#pragma unroll
        for (int k = 0; k < layout.m(); ++k) zj += th[layout.v(j, k)] * xi[k];
        z[j] = zj;
        f += th[layout.u(j, 0)] * (zj > T(0) ? zj : T(0));
      }
      const T r = f - output(i);
      l += r * r;
      const T rs = r * inv_s2;
#pragma unroll
      for (int j = 0; j < layout.blocks(); ++j) {
        const T zj = z[j];
        if (zj > T(0)) {
          g[layout.u(j, 0)] += rs * zj;
          const T ra = rs * th[layout.u(j, 0)];
#pragma unroll
          for (int k = 0; k < layout.m(); ++k) g[layout.v(j, k)] += ra * xi[k];
        }
      }
    }
    return T(0.5) * l * inv_s2 + geometry::add_scale_ridge_grad(layout, th, ridge, g);
  }
  template <class V>
  ORBITMC_HD T coord(const V& th, int k) const {
    return k < layout.blocks() ? geometry::sigma(layout, th, k) : predict(th, input(0));
  }
};

}  // namespace orbitmc
