// Model `attention`: one head, out = softmax(Q Kᵀ/√H) V with Q = X W_Q, K = X W_K, V = X W_V
// (W_· ∈ R^{E×H}, sequences X ∈ R^{T×E}), least squares against targets Y ∈ R^{T×H} on a fixed
// set of sequences, plus the invariant ridge on the column pairs. The column pairs
// (W_Q[:,j], W_K[:,j]) are the rank-one blocks (E, E): the logits Q Kᵀ = Σ_j (X W_Q[:,j])
// (X W_K[:,j])ᵀ keep under (g W_Q[:,j], W_K[:,j]/g); W_V is free. Orbit coordinates:
// σ_j = |W_Q[:,j]||W_K[:,j]| for each column, then the logit (Q Kᵀ)_00/√H of the first sequence
// (fixed data set only). With batch > 0 (THEORY §8, experiment 2) each step draws `batch` fresh
// sequences X ~ N(0, 1) and their targets Y = teacher(X) + label_noise·N(0, 1) in prepare(),
// from the chain's noise (stream kStreamBatch at (chain, step)), with the teacher's weights
// (laid out as θ) as the data set.
#pragma once

#include "../core/block_geometry.hpp"
#include "../core/philox_noise.hpp"  // NoiseKey of prepare()

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
  const T* data = nullptr;  // X: points × T × E, then Y: points × T × H; batch > 0: the teacher
  int batch = 0;            // 0: the fixed data set; > 0: fresh sequences per step
  T label_noise = T(0.02);  // sd of the noise on a fresh sequence's targets

  ORBITMC_HD int embed() const { return layout.n(); }
  ORBITMC_HD int head() const { return layout.blocks(); }
  ORBITMC_HD bool minibatch() const { return batch > 0; }
  ORBITMC_HD int point_count() const { return minibatch() ? batch : points; }
  // Whether the loss is the same function of θ at every step (no per-step draw in prepare()):
  // a sampler may then carry L and ∇L of a state from one step to the next.
  ORBITMC_HD bool fixed_loss() const { return !minibatch(); }
  // q, k, v and the output gradient (4·T·H), attention weights and logit gradients (2·T²).
  ORBITMC_HD int work_words() const { return 4 * sequence * head() + 2 * sequence * sequence; }
  // The work words, then (minibatches) the step's X (batch × T × E) and Y (batch × T × H).
  ORBITMC_HD int scratch_words() const {
    return work_words() + (minibatch() ? batch * sequence * (embed() + head()) : 0);
  }
  ORBITMC_HD int coords() const { return head() + (minibatch() ? 0 : 1); }
  // Token i of position t of sequence p, and its target j, from the data set or the step's
  // minibatch.
  template <class W>
  ORBITMC_HD elem_t<W> token(int p, int t, int i, const W& ws) const {
    const int at = (p * sequence + t) * embed() + i;
    return minibatch() ? ws[work_words() + at] : elem_t<W>(data[at]);
  }
  template <class W>
  ORBITMC_HD elem_t<W> target(int p, int t, int j, const W& ws) const {
    const int at = (p * sequence + t) * head() + j;
    return minibatch() ? ws[work_words() + batch * sequence * embed() + at]
                       : elem_t<W>(data[point_count() * sequence * embed() + at]);
  }
  // Draws this step's sequences and the teacher's noisy outputs (nothing for a fixed set).
  template <class Id, class W>
  ORBITMC_HD void prepare(NoiseKey key, Id chain, uint64_t step, W ws) const {
    if (!minibatch()) return;
    const int nt = sequence, E = embed(), H = head();
    W xs = ws + work_words();
    W ys = xs + batch * nt * E;
    normals(key, kStreamBatch, chain, step, batch * nt * (E + H), xs);
    // forward() leaves d = out − y; with y = −noise·z that is the target out + noise·z.
    for (int c = 0; c < batch * nt * H; ++c) ys[c] = -label_noise * ys[c];
    const Scratch<W> s = scratch(ws);
    for (int p = 0; p < batch; ++p) {
      forward(data, p, ws, s, T(1));
      for (int c = 0; c < nt * H; ++c) ys[p * nt * H + c] = s.d[c];
    }
  }
  template <class V>
  ORBITMC_HD elem_t<V> wq(const V& th, int i, int j) const {
    return th[layout.u(j, i)];
  }
  template <class V>
  ORBITMC_HD elem_t<V> wk(const V& th, int i, int j) const {
    return th[layout.v(j, i)];
  }
  template <class V>
  ORBITMC_HD elem_t<V> wv(const V& th, int i, int j) const {
    return th[layout.free(i * head() + j)];
  }

  // The work of one sequence's forward and backward pass, as views into the scratch ws: q, k,
  // v and the residuals d (T×H each), then the softmax rows a and their gradient ds (T×T each).
  // The one statement of the layout (work_words() is its size).
  template <class W>
  struct Scratch {
    W q, k, v, d, a, ds;
  };
  template <class W>
  ORBITMC_HD Scratch<W> scratch(W ws) const {
    const int th = sequence * head();
    return {ws, ws + th, ws + 2 * th, ws + 3 * th, ws + 4 * th, ws + 4 * th + sequence * sequence};
  }

  // Forward pass of sequence p into the scratch: q, k, v, a; returns the squared residual and
  // leaves d = (out − y)/s². The weights th may be the teacher's (scalars, prepare()) or the
  // chains' (lanes); the scratch ws holds lanes.
  template <class V, class W>
  ORBITMC_HD elem_t<W> forward(const V& th, int p, const W& ws, const Scratch<W>& s,
                               T inv_s2) const {
    using X = elem_t<W>;
    const int nt = sequence, E = embed(), H = head();
    W q = s.q, k = s.k, v = s.v, a = s.a, d = s.d;
    for (int t = 0; t < nt; ++t)
      for (int j = 0; j < H; ++j) {
        X sq = X(T(0)), sk = X(T(0)), sv = X(T(0));
        for (int i = 0; i < E; ++i) {
          const X xi = token(p, t, i, ws);
          sq += xi * wq(th, i, j);
          sk += xi * wk(th, i, j);
          sv += xi * wv(th, i, j);
        }
        q[t * H + j] = sq;
        k[t * H + j] = sk;
        v[t * H + j] = sv;
      }
    const T scale = T(1) / lane::sqrt(T(H));
    X l = X(T(0));
    for (int t = 0; t < nt; ++t) {
      X mx = X(T(-3.0e38));
      for (int r = 0; r < nt; ++r) {
        X s = X(T(0));
        for (int j = 0; j < H; ++j) s += q[t * H + j] * k[r * H + j];
        s *= scale;
        a[t * nt + r] = s;
        mx = lane::select(s > mx, s, mx);
      }
      X z = X(T(0));
      for (int r = 0; r < nt; ++r) {
        const X e = lane::exp(a[t * nt + r] - mx);
        a[t * nt + r] = e;
        z += e;
      }
      for (int r = 0; r < nt; ++r) a[t * nt + r] /= z;
      for (int j = 0; j < H; ++j) {
        X o = X(T(0));
        for (int r = 0; r < nt; ++r) o += a[t * nt + r] * v[r * H + j];
        const X e = o - target(p, t, j, ws);
        l += e * e;
        d[t * H + j] = e * inv_s2;
      }
    }
    return l;
  }

  template <class V, class W>
  ORBITMC_HD elem_t<V> loss(const V& th, W ws) const {
    const Scratch<W> s = scratch(ws);
    elem_t<V> l = elem_t<V>(T(0));
    for (int p = 0; p < point_count(); ++p) l += forward(th, p, ws, s, T(1));
    return l / (T(2) * width * width) + geometry::scale_ridge(layout, th, ridge);
  }

  template <class V, class G, class W>
  ORBITMC_HD elem_t<V> loss_grad(const V& th, G g, W ws) const {
    using X = elem_t<V>;
    const int nt = sequence, E = embed(), H = head();
    const Scratch<W> s = scratch(ws);
    W q = s.q, k = s.k, v = s.v, d = s.d, a = s.a, ds = s.ds;
    for (int c = 0; c < layout.dim(); ++c) g[c] = X(T(0));
    const T inv_s2 = T(1) / (width * width), scale = T(1) / lane::sqrt(T(H));
    X l = X(T(0));
    for (int p = 0; p < point_count(); ++p) {
      l += forward(th, p, ws, s, inv_s2);
      // dS[t][r] = a[t][r] (dA[t][r] − Σ_r' a[t][r'] dA[t][r']), dA[t][r] = Σ_j d[t][j] v[r][j].
      for (int t = 0; t < nt; ++t) {
        X mean = X(T(0));
        for (int r = 0; r < nt; ++r) {
          X da = X(T(0));
          for (int j = 0; j < H; ++j) da += d[t * H + j] * v[r * H + j];
          ds[t * nt + r] = da;
          mean += a[t * nt + r] * da;
        }
        for (int r = 0; r < nt; ++r) ds[t * nt + r] = a[t * nt + r] * (ds[t * nt + r] - mean);
      }
      for (int j = 0; j < H; ++j)
        for (int t = 0; t < nt; ++t) {
          // dQ[t][j], dK[t][j] (logit scale included) and dV[t][j] = Σ_s a[s][t] d[s][j].
          X dq = X(T(0)), dk = X(T(0)), dv = X(T(0));
          for (int r = 0; r < nt; ++r) {
            dq += ds[t * nt + r] * k[r * H + j];
            dk += ds[r * nt + t] * q[r * H + j];
            dv += a[r * nt + t] * d[r * H + j];
          }
          dq *= scale;
          dk *= scale;
          for (int i = 0; i < E; ++i) {
            const X xi = token(p, t, i, ws);
            g[layout.u(j, i)] += xi * dq;
            g[layout.v(j, i)] += xi * dk;
            g[layout.free(i * H + j)] += xi * dv;
          }
        }
    }
    return T(0.5) * l * inv_s2 + geometry::add_scale_ridge_grad(layout, th, ridge, g);
  }

  template <class V>
  ORBITMC_HD elem_t<V> coord(const V& th, int c) const {
    using X = elem_t<V>;
    if (c < head()) return geometry::sigma(layout, th, c);
    const int E = embed();
    const T* x = data;  // the first token of the first sequence (fixed data set only)
    X s = X(T(0));
    for (int j = 0; j < head(); ++j) {
      X q0 = X(T(0)), k0 = X(T(0));
      for (int i = 0; i < E; ++i) {
        q0 += x[i] * wq(th, i, j);
        k0 += x[i] * wk(th, i, j);
      }
      s += q0 * k0;
    }
    return s / lane::sqrt(T(head()));
  }
};

}  // namespace orbitmc
