// Model `matfac`: M = U Vᵀ with U ∈ R^{R×K}, V ∈ R^{C×K} and the masked least-squares loss
// L = Σ_{(i,j) observed} (M_ij − T_ij)² / (2 s²) + (ρ/2) Σ_k σ_k² (the ridge keeps the law
// normalisable along unobserved directions). Column k is the block (u = U[:,k], v = V[:,k]);
// the symmetry used is the column rescaling (U[:,k], V[:,k]) → (g U[:,k], V[:,k] / g).
// Target and mask live in device memory. Orbit coordinates: σ_k = |U[:,k]||V[:,k]| for each
// column, then M_00.
#pragma once

#include "../block_geometry.hpp"
#include "../philox_noise.hpp"  // NoiseKey of prepare()

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct MatfacModel {
  using Scalar = T;
  using Layout = L;  // (rank, rows, cols)
  static constexpr int kScratch = 0;

  L layout;
  T width;  // s
  T ridge;  // ρ of the invariant prior (ρ/2) Σ_b σ_b², which keeps the law normalisable
  const T* data = nullptr;  // target: rows × cols, row-major; then mask (1 observed, 0 not)

  ORBITMC_HD int scratch_words() const { return 0; }
  ORBITMC_HD int coords() const { return layout.blocks() + 1; }
  // Per-step data (a fresh minibatch): none for this model.
  template <class W>
  ORBITMC_HD void prepare(NoiseKey, uint32_t, uint64_t, W) const {}
  ORBITMC_HD T target(int i, int j) const { return data[i * layout.m() + j]; }
  ORBITMC_HD T mask(int i, int j) const {
    return data[layout.n() * layout.m() + i * layout.m() + j];
  }

  template <class V>
  ORBITMC_HD T entry(const V& th, int i, int j) const {
    T m = T(0);
#pragma unroll
    for (int k = 0; k < layout.blocks(); ++k) m += th[layout.u(k, i)] * th[layout.v(k, j)];
    return m;
  }
  template <class V, class W>
  ORBITMC_HD T loss(const V& th, W) const {
    T l = T(0);
#pragma unroll
    for (int i = 0; i < layout.n(); ++i)
#pragma unroll
      for (int j = 0; j < layout.m(); ++j) {
        if (mask(i, j) == T(0)) continue;
        const T r = entry(th, i, j) - target(i, j);
        l += r * r;
      }
    return l / (T(2) * width * width) + geometry::scale_ridge(layout, th, ridge);
  }
  template <class V, class G, class W>
  ORBITMC_HD T loss_grad(const V& th, G g, W) const {
#pragma unroll
    for (int k = 0; k < layout.dim(); ++k) g[k] = T(0);
    const T inv_s2 = T(1) / (width * width);
    T l = T(0);
#pragma unroll
    for (int i = 0; i < layout.n(); ++i)
#pragma unroll
      for (int j = 0; j < layout.m(); ++j) {
        // The mask is the same for every chain: the branch never diverges a warp, and skipping
        // an unobserved entry only drops exact zeros.
        if (mask(i, j) == T(0)) continue;
        const T r = entry(th, i, j) - target(i, j);
        l += r * r;
        const T rs = r * inv_s2;
#pragma unroll
        for (int k = 0; k < layout.blocks(); ++k) {
          g[layout.u(k, i)] += rs * th[layout.v(k, j)];
          g[layout.v(k, j)] += rs * th[layout.u(k, i)];
        }
      }
    return T(0.5) * l * inv_s2 + geometry::add_scale_ridge_grad(layout, th, ridge, g);
  }
  template <class V>
  ORBITMC_HD T coord(const V& th, int k) const {
    return k < layout.blocks() ? geometry::sigma(layout, th, k) : entry(th, 0, 0);
  }
};

}  // namespace orbitmc
