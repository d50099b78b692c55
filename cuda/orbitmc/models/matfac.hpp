// Model `matfac`: M = U Vᵀ with U ∈ R^{R×K}, V ∈ R^{C×K} and the masked least-squares loss
// L = Σ_{(i,j) observed} (M_ij − T_ij)² / (2 s²) + (ρ/2) Σ_k σ_k² (the ridge keeps the law
// normalisable along unobserved directions). Column k is the block (u = U[:,k], v = V[:,k]);
// the symmetry used is the column rescaling (U[:,k], V[:,k]) → (g U[:,k], V[:,k] / g).
// Target and mask live in device memory. Orbit coordinates: σ_k = |U[:,k]||V[:,k]| for each
// column, then M_00. With keep < 1 (the SGD of THEORY §8, experiment 3) each step's loss runs
// over the observed entries it keeps, each with probability `keep`, drawn by prepare() from the
// chain's noise (stream kStreamBatch at (chain, step)); s stays the same, so the step's loss is
// the sum over the kept entries divided by 2s².
#pragma once

#include "../core/block_geometry.hpp"
#include "../core/philox_noise.hpp"  // NoiseKey of prepare()

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
  T keep = T(1);            // < 1: each step keeps each observed entry with this probability

  ORBITMC_HD bool subsampled() const { return !L::kFixed && keep < T(1); }
  // Whether the loss is the same function of θ at every step (no per-step draw in prepare()):
  // a sampler may then carry L and ∇L of a state from one step to the next.
  ORBITMC_HD bool fixed_loss() const { return !subsampled(); }
  // The step's kept entries (1 or 0 per entry, row-major) when subsampled.
  ORBITMC_HD int scratch_words() const { return subsampled() ? layout.n() * layout.m() : 0; }
  ORBITMC_HD int coords() const { return layout.blocks() + 1; }
  // Draws which entries this step keeps: four uniforms per Philox call, entry e from word e/4.
  template <class Id, class W>
  ORBITMC_HD void prepare(NoiseKey key, Id chain, uint64_t step, W ws) const {
    if (!subsampled()) return;
    using E = elem_t<W>;
    const int entries = layout.n() * layout.m();
    for (int w = 0; w < (entries + 3) / 4; ++w) {
      E u[4];
      uniform01x4<T>(key, kStreamBatch, chain, step, static_cast<uint32_t>(w), u);
      for (int j = 0; j < 4 && 4 * w + j < entries; ++j)
        ws[4 * w + j] = lane::select(u[j] <= E(keep), E(T(1)), E(T(0)));
    }
  }
  ORBITMC_HD T target(int i, int j) const { return data[i * layout.m() + j]; }
  ORBITMC_HD T mask(int i, int j) const {
    return data[layout.n() * layout.m() + i * layout.m() + j];
  }
  template <class V>
  ORBITMC_HD elem_t<V> entry(const V& th, int i, int j) const {
    elem_t<V> m = elem_t<V>(T(0));
#pragma unroll
    for (int k = 0; k < layout.blocks(); ++k) m += th[layout.u(k, i)] * th[layout.v(k, j)];
    return m;
  }
  template <class V, class W>
  ORBITMC_HD elem_t<V> loss(const V& th, W) const {
    using E = elem_t<V>;
    E l = E(T(0));
#pragma unroll
    for (int i = 0; i < layout.n(); ++i)
#pragma unroll
      for (int j = 0; j < layout.m(); ++j) {
        if (mask(i, j) == T(0)) continue;
        const E r = entry(th, i, j) - target(i, j);
        l += r * r;
      }
    return l / (T(2) * width * width) + geometry::scale_ridge(layout, th, ridge);
  }
  template <class V, class G, class W>
  ORBITMC_HD elem_t<V> loss_grad(const V& th, G g, W ws) const {
    using E = elem_t<V>;
#pragma unroll
    for (int k = 0; k < layout.dim(); ++k) g[k] = E(T(0));
    const T inv_s2 = T(1) / (width * width);
    E l = E(T(0));
#pragma unroll
    for (int i = 0; i < layout.n(); ++i)
#pragma unroll
      for (int j = 0; j < layout.m(); ++j) {
        // A sampling run's mask is the same for every chain (the branch never diverges a warp);
        // an experiment's seeds each have their own, and may. Skipping an entry that does not
        // count only drops exact zeros. A subsampled step keeps an entry
        // in some chains only: the others see a zero residual.
        if (mask(i, j) == T(0)) continue;
        E r = entry(th, i, j) - target(i, j);
        if (subsampled()) {
          const auto kept = ws[i * layout.m() + j] != E(T(0));
          if (!lane::any(kept)) continue;
          r = lane::select(kept, r, E(T(0)));
        }
        l += r * r;
        const E rs = r * inv_s2;
#pragma unroll
        for (int k = 0; k < layout.blocks(); ++k) {
          g[layout.u(k, i)] += rs * th[layout.v(k, j)];
          g[layout.v(k, j)] += rs * th[layout.u(k, i)];
        }
      }
    return T(0.5) * l * inv_s2 + geometry::add_scale_ridge_grad(layout, th, ridge, g);
  }
  template <class V>
  ORBITMC_HD elem_t<V> coord(const V& th, int k) const {
    return k < layout.blocks() ? geometry::sigma(layout, th, k) : entry(th, 0, 0);
  }
};

}  // namespace orbitmc
