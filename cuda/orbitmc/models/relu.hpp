// Model `relu`: P ReLU units f(x) = Σ_j a_j relu(w_j · x), w_j ∈ R^d, with the least-squares
// loss L = Σ_i (f(x_i) − y_i)² / (2 s²) + (ρ/2) Σ_j σ_j². Unit j is the block (u = a_j, v = w_j):
// (a, w) → (g a, w / g) leaves f unchanged. The points are either a fixed data set (inputs and
// targets in device memory, generated on the host from data_seed) or, with batch > 0, a fresh
// minibatch every step: x ~ N(0, I_d), y = teacher(x) + label_noise·N(0, 1) (0.1 by default),
// drawn by prepare() from the chain's own noise (stream kStreamBatch at (chain, step)) with the
// teacher's weights in device memory — the SGD noise of THEORY §8, experiment 1.
// Orbit coordinates: σ_j = |a_j||w_j| for each unit, then (fixed data set only) f(x_0).
#pragma once

#include "../core/block_geometry.hpp"
#include "../core/philox_noise.hpp"  // NoiseKey of prepare()

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct ReluModel {
  using Scalar = T;
  using Layout = L;                            // (units, 1, input dimension)
  static constexpr int kScratch = L::kBlocks;  // pre-activations of one point (fixed data set)

  L layout;
  int points;     // fixed data set: its size; minibatches: unused
  T width;        // s
  T ridge;        // ρ of the invariant prior (ρ/2) Σ_b σ_b², which keeps the law normalisable
  int batch = 0;  // 0: the fixed data set; > 0: a fresh minibatch of this many points per step
  T label_noise = T(0.1);  // sd of the noise on a fresh minibatch's targets
  // Fixed data set: x (points × d, row-major), then y (points). Minibatches: the teacher's
  // a (units), then its w (units × d, row-major).
  const T* data = nullptr;

  ORBITMC_HD int units() const { return layout.blocks(); }
  ORBITMC_HD int dim_in() const { return layout.m(); }
  // z (one point's pre-activations), then the minibatch: x (batch × d), then y (batch).
  ORBITMC_HD int scratch_words() const {
    return units() + (batch > 0 ? batch * (dim_in() + 1) : 0);
  }
  ORBITMC_HD int coords() const { return units() + (batch > 0 ? 0 : 1); }
  // Minibatches run on the general path only (the dispatch sends a run whose scratch exceeds
  // kScratch there): a compiled-in layout never reads them, so its scratch stays in registers.
  ORBITMC_HD bool minibatch() const { return !L::kFixed && batch > 0; }
  ORBITMC_HD int point_count() const { return minibatch() ? batch : points; }
  // Whether the loss is the same function of θ at every step (no per-step draw in prepare()):
  // a sampler may then carry L and ∇L of a state from one step to the next.
  ORBITMC_HD bool fixed_loss() const { return !minibatch(); }

  // Draws this step's minibatch into the scratch (nothing for a fixed data set).
  template <class Id, class W>
  ORBITMC_HD void prepare(NoiseKey key, Id chain, uint64_t step, W ws) const {
    if (!minibatch()) return;
    using E = elem_t<W>;
    const int d = dim_in(), P = units();
    W xb = ws + P;
    normals(key, kStreamBatch, chain, step, batch * (d + 1), xb);
    for (int i = 0; i < batch; ++i) {
      const E f = network<E>(
          P, d, [&](int j) { return data[j]; }, [&](int j, int k) { return data[P + j * d + k]; },
          [&](int k) { return xb[i * d + k]; });
      xb[batch * d + i] = f + label_noise * xb[batch * d + i];  // the noise normal, replaced by y_i
    }
  }

  // The network Σ_j a(j)·relu(Σ_k w(j, k)·x(k)) of `units` units on inputs of size d: the one
  // forward pass of the student (predict, loss_grad), of the teacher that makes minibatches
  // and data sets, and of the host's test metrics. keep(j, z) is handed each pre-activation
  // (the backward pass reads them).
  struct KeepNothing {
    template <class E>
    ORBITMC_HD void operator()(int, const E&) const {}
  };
  template <class E, class A, class Wt, class X, class Keep = KeepNothing>
  static ORBITMC_HD ORBITMC_FORCEINLINE E network(int units, int d, const A& a, const Wt& w,
                                                  const X& x, const Keep& keep = Keep{}) {
    E f = E(T(0));
#pragma unroll
    for (int j = 0; j < units; ++j) {
      E z = E(T(0));
#pragma unroll
      for (int k = 0; k < d; ++k) z += w(j, k) * x(k);
      keep(j, z);
      f += a(j) * relu(z);
    }
    return f;
  }

  template <class E>
  static ORBITMC_HD ORBITMC_FORCEINLINE E relu(const E& z) {
    return lane::select(z > E(T(0)), z, E(T(0)));
  }

  // Input k of point i and its target, from the data set or the prepared minibatch (lanes of W).
  template <class W>
  ORBITMC_HD elem_t<W> input(int i, int k, const W& ws) const {
    return minibatch() ? ws[units() + i * dim_in() + k] : elem_t<W>(data[i * dim_in() + k]);
  }
  template <class W>
  ORBITMC_HD elem_t<W> output(int i, const W& ws) const {
    return minibatch() ? ws[units() + batch * dim_in() + i]
                       : elem_t<W>(data[points * dim_in() + i]);
  }

  template <class V, class W>
  ORBITMC_HD elem_t<V> predict(const V& th, int i, const W& ws) const {
    return network<elem_t<V>>(
        units(), dim_in(), [&](int j) { return th[layout.u(j, 0)]; },
        [&](int j, int k) { return th[layout.v(j, k)]; }, [&](int k) { return input(i, k, ws); });
  }
  template <class V, class W>
  ORBITMC_HD elem_t<V> loss(const V& th, W ws) const {
    using E = elem_t<V>;
    E l = E(T(0));
    for (int i = 0; i < point_count(); ++i) {
      const E r = predict(th, i, ws) - output(i, ws);
      l += r * r;
    }
    return l / (T(2) * width * width) + geometry::scale_ridge(layout, th, ridge);
  }
  // ws[0..units) holds one point's pre-activations between the forward and backward pass.
  template <class V, class G, class W>
  ORBITMC_HD elem_t<V> loss_grad(const V& th, G g, W ws) const {
    using E = elem_t<V>;
#pragma unroll
    for (int k = 0; k < layout.dim(); ++k) g[k] = E(T(0));
    const T inv_s2 = T(1) / (width * width);
    E l = E(T(0));
    for (int i = 0; i < point_count(); ++i) {
      const E f = network<E>(
          units(), dim_in(), [&](int j) { return th[layout.u(j, 0)]; },
          [&](int j, int k) { return th[layout.v(j, k)]; }, [&](int k) { return input(i, k, ws); },
          [&](int j, const E& z) { ws[j] = z; });
      const E r = f - output(i, ws);
      l += r * r;
      const E rs = r * inv_s2;
#pragma unroll
      for (int j = 0; j < units(); ++j) {
        const E zj = ws[j];
        const auto on = zj > E(T(0));
        if (lane::any(on)) {  // for lanes: the unit is active in some chain; the others add 0
          const E rj = lane::select(on, rs, E(T(0)));
          g[layout.u(j, 0)] += rj * zj;
          const E ra = rj * th[layout.u(j, 0)];
#pragma unroll
          for (int k = 0; k < dim_in(); ++k) g[layout.v(j, k)] += ra * input(i, k, ws);
        }
      }
    }
    return T(0.5) * l * inv_s2 + geometry::add_scale_ridge_grad(layout, th, ridge, g);
  }
  // σ_j, then f(x_0) on the first point of the fixed data set.
  template <class V>
  ORBITMC_HD elem_t<V> coord(const V& th, int k) const {
    return k < units() ? geometry::sigma(layout, th, k)
                       : predict(th, 0, static_cast<const T*>(nullptr));
  }
};

}  // namespace orbitmc
