// Model `attention`: one head, out = softmax(Q Kᵀ/√H) V with Q = X W_Q, K = X W_K, V = X W_V
// (W_· ∈ R^{E×H}, sequences X ∈ R^{T×E}), least squares against targets Y ∈ R^{T×H} on a fixed
// set of sequences, plus the invariant ridge on the column pairs. The column pairs
// (W_Q[:,j], W_K[:,j]) are the rank-one blocks (E, E): the logits Q Kᵀ = Σ_j (X W_Q[:,j])
// (X W_K[:,j])ᵀ keep under (g W_Q[:,j], W_K[:,j]/g); W_V is free. Orbit coordinates:
// σ_j = |W_Q[:,j]||W_K[:,j]| for each column, then the logit (Q Kᵀ)_00/√H of the first sequence.
#pragma once

#include "../block_geometry.hpp"
#include "../philox_noise.hpp"  // NoiseKey of prepare()

namespace orbitmc {

template <class T, class L = RuntimeLayout>
struct AttentionModel {
  using Scalar = T;
  using Layout = L;                   // (H column pairs of (E, E), E·H free: W_V row-major)
  static constexpr int kScratch = 0;  // sequence-sized scratch: general path only
  static_assert(!L::kFixed, "attention's scratch is sized at run time: general path only");

  L layout;
  int points;               // sequences in the data set
  int sequence;             // T, tokens per sequence
  T width;                  // s
  T ridge;                  // ρ of the invariant prior (ρ/2) Σ_j σ_j²
  const T* data = nullptr;  // X: points × T × E, then Y: points × T × H

  ORBITMC_HD int embed() const { return layout.n(); }
  ORBITMC_HD int head() const { return layout.blocks(); }
  // q, k, v and the output gradient (4·T·H), attention weights and logit gradients (2·T²).
  ORBITMC_HD int scratch_words() const { return 4 * sequence * head() + 2 * sequence * sequence; }
  ORBITMC_HD int coords() const { return head() + 1; }
  // Per-step data (a fresh minibatch): none for this model.
  template <class W>
  ORBITMC_HD void prepare(NoiseKey, uint32_t, uint64_t, W) const {}
  ORBITMC_HD const T* tokens(int p) const { return data + p * sequence * embed(); }
  ORBITMC_HD const T* targets(int p) const {
    return data + points * sequence * embed() + p * sequence * head();
  }
  template <class V>
  ORBITMC_HD T wq(const V& th, int i, int j) const {
    return th[layout.u(j, i)];
  }
  template <class V>
  ORBITMC_HD T wk(const V& th, int i, int j) const {
    return th[layout.v(j, i)];
  }
  template <class V>
  ORBITMC_HD T wv(const V& th, int i, int j) const {
    return th[layout.free(i * head() + j)];
  }

  // Forward pass of sequence p into the scratch: q, k, v (T×H each), a (T×T, softmax rows);
  // returns the squared residual and leaves d = (out − y)/s² (T×H).
  template <class V, class W>
  ORBITMC_HD T forward(const V& th, int p, W q, W k, W v, W a, W d, T inv_s2) const {
    const int nt = sequence, E = embed(), H = head();
    const T* x = tokens(p);
    const T* y = targets(p);
    for (int t = 0; t < nt; ++t)
      for (int j = 0; j < H; ++j) {
        T sq = T(0), sk = T(0), sv = T(0);
        for (int i = 0; i < E; ++i) {
          const T xi = x[t * E + i];
          sq += xi * wq(th, i, j);
          sk += xi * wk(th, i, j);
          sv += xi * wv(th, i, j);
        }
        q[t * H + j] = sq;
        k[t * H + j] = sk;
        v[t * H + j] = sv;
      }
    const T scale = T(1) / om::sqrt(T(H));
    T l = T(0);
    for (int t = 0; t < nt; ++t) {
      T mx = T(-3.0e38);
      for (int r = 0; r < nt; ++r) {
        T s = T(0);
        for (int j = 0; j < H; ++j) s += q[t * H + j] * k[r * H + j];
        s *= scale;
        a[t * nt + r] = s;
        mx = s > mx ? s : mx;
      }
      T z = T(0);
      for (int r = 0; r < nt; ++r) {
        const T e = om::exp(a[t * nt + r] - mx);
        a[t * nt + r] = e;
        z += e;
      }
      for (int r = 0; r < nt; ++r) a[t * nt + r] /= z;
      for (int j = 0; j < H; ++j) {
        T o = T(0);
        for (int r = 0; r < nt; ++r) o += a[t * nt + r] * v[r * H + j];
        const T e = o - y[t * H + j];
        l += e * e;
        d[t * H + j] = e * inv_s2;
      }
    }
    return l;
  }

  template <class V, class W>
  ORBITMC_HD T loss(const V& th, W ws) const {
    const int nt = sequence, H = head();
    W q = ws, k = ws + nt * H, v = ws + 2 * nt * H, d = ws + 3 * nt * H, a = ws + 4 * nt * H;
    T l = T(0);
    for (int p = 0; p < points; ++p) l += forward(th, p, q, k, v, a, d, T(1));
    return l / (T(2) * width * width) + geometry::scale_ridge(layout, th, ridge);
  }

  template <class V, class G, class W>
  ORBITMC_HD T loss_grad(const V& th, G g, W ws) const {
    const int nt = sequence, E = embed(), H = head();
    W q = ws, k = ws + nt * H, v = ws + 2 * nt * H, d = ws + 3 * nt * H, a = ws + 4 * nt * H;
    W ds = a + nt * nt;
    for (int c = 0; c < layout.dim(); ++c) g[c] = T(0);
    const T inv_s2 = T(1) / (width * width), scale = T(1) / om::sqrt(T(H));
    T l = T(0);
    for (int p = 0; p < points; ++p) {
      l += forward(th, p, q, k, v, a, d, inv_s2);
      const T* x = tokens(p);
      // dS[t][r] = a[t][r] (dA[t][r] − Σ_r' a[t][r'] dA[t][r']), dA[t][r] = Σ_j d[t][j] v[r][j].
      for (int t = 0; t < nt; ++t) {
        T mean = T(0);
        for (int r = 0; r < nt; ++r) {
          T da = T(0);
          for (int j = 0; j < H; ++j) da += d[t * H + j] * v[r * H + j];
          ds[t * nt + r] = da;
          mean += a[t * nt + r] * da;
        }
        for (int r = 0; r < nt; ++r) ds[t * nt + r] = a[t * nt + r] * (ds[t * nt + r] - mean);
      }
      for (int j = 0; j < H; ++j)
        for (int t = 0; t < nt; ++t) {
          // dQ[t][j], dK[t][j] (logit scale included) and dV[t][j] = Σ_s a[s][t] d[s][j].
          T dq = T(0), dk = T(0), dv = T(0);
          for (int r = 0; r < nt; ++r) {
            dq += ds[t * nt + r] * k[r * H + j];
            dk += ds[r * nt + t] * q[r * H + j];
            dv += a[r * nt + t] * d[r * H + j];
          }
          dq *= scale;
          dk *= scale;
          for (int i = 0; i < E; ++i) {
            const T xi = x[t * E + i];
            g[layout.u(j, i)] += xi * dq;
            g[layout.v(j, i)] += xi * dk;
            g[layout.free(i * H + j)] += xi * dv;
          }
        }
    }
    return T(0.5) * l * inv_s2 + geometry::add_scale_ridge_grad(layout, th, ridge, g);
  }

  template <class V>
  ORBITMC_HD T coord(const V& th, int c) const {
    if (c < head()) return geometry::sigma(layout, th, c);
    const int E = embed();
    const T* x = tokens(0);
    T s = T(0);
    for (int j = 0; j < head(); ++j) {
      T q0 = T(0), k0 = T(0);
      for (int i = 0; i < E; ++i) {
        q0 += x[i] * wq(th, i, j);
        k0 += x[i] * wk(th, i, j);
      }
      s += q0 * k0;
    }
    return s / om::sqrt(T(head()));
  }
};

}  // namespace orbitmc
