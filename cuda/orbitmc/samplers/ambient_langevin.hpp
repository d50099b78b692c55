// Ambient overdamped Langevin on V = L + (κ/2)|F|² in R^D (THEORY §3): Euler–Maruyama,
// Leimkuhler–Matthews (O(h²) stationary bias at EM's cost) and MALA (unbiased). As κ → ∞ the
// stationary law restricted to the slice tends to exp(−βL)·det G^{−1/2} dσ.
#pragma once

#include <limits>

#include "../core/chain_state.hpp"
#include "../core/factor_geometry.hpp"
#include "../core/philox_noise.hpp"
#include "sampler_base.hpp"

namespace orbitmc {

// V(θ) and ∇V(θ) for the ambient samplers.
template <class Model, class X, class G, class W, class T = typename Model::Scalar>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<X> ambient_potential_grad(const Model& m, T kappa, const X& x,
                                                                G g, W ws) {
  const elem_t<X> l = m.loss_grad(x, g, ws);
  return l + factor_geometry::add_penalty_grad(m.layout, x, kappa, g);
}

// The Euler–Maruyama move x − h∇V + sqrt(2h/β) R, shared by EM, MALA's proposal and the
// unconstrained half of the projection scheme.
template <class X, class G, class R, class O, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void euler_maruyama_move(int d, const X& x, const G& g, const R& r,
                                                        T h, T beta, O out) {
  const T s = lane::sqrt(T(2) * h / beta);
#pragma unroll
  for (int k = 0; k < d; ++k) out[k] = x[k] - h * g[k] + s * r[k];  // h, s: scalars
}

template <class Model>
struct AmbientEM : SamplerBase<Model> {
  static constexpr SamplerKind kKind = SamplerKind::kAmbientEM;
  static constexpr const char* kName = "ambient_em";
  static constexpr const char* kHelp = "Euler-Maruyama on L + (kappa/2)|F|^2 (keys h, kappa)";
  static constexpr bool kConstrained = false;
  static constexpr bool kExact = false;
  using typename SamplerBase<Model>::T;
  using SamplerBase<Model>::model;
  using SamplerBase<Model>::p;
  static constexpr int kVectors = 3;  // ∇V, R, candidate

  template <class X, class W, class C, class Id>
  ORBITMC_HD void step(X x, W& w, C& c, NoiseKey key, Id chain, uint64_t n) const {
    model.prepare(key, chain, n, w.model_ws());  // this step's minibatch, if any
    const int d = model.layout.dim();
    auto g = w.vec(0);
    auto r = w.vec(1);
    auto xn = w.vec(2);
    ambient_potential_grad(model, p.kappa, x, g, w.model_ws());
    normals(key, kStreamLangevin, chain, n, d, r);
    euler_maruyama_move(d, x, g, r, p.h, p.beta, xn);
    commit_or_diverge(d, x, xn, p.bound, c);
  }
};

template <class Model>
struct AmbientLM : SamplerBase<Model> {
  static constexpr SamplerKind kKind = SamplerKind::kAmbientLM;
  static constexpr const char* kName = "ambient_lm";
  static constexpr const char* kHelp =
      "Leimkuhler-Matthews on L + (kappa/2)|F|^2, O(h^2) bias at EM cost (keys h, kappa)";
  static constexpr bool kConstrained = false;
  static constexpr bool kExact = false;
  using typename SamplerBase<Model>::T;
  using SamplerBase<Model>::model;
  using SamplerBase<Model>::p;
  // ∇V, R_{n+1}, candidate, and R_n carried from the previous step: each step draws one noise
  // vector. R_n is a pure function of the step, so begin() rebuilds it after any segment
  // boundary or resume.
  static constexpr int kVectors = 4;

  template <class W, class Id>
  ORBITMC_HD void begin(W& w, NoiseKey key, Id chain, uint64_t n) const {
    normals(key, kStreamLangevin, chain, n, model.layout.dim(), w.vec(3));
  }
  template <class X, class W, class C, class Id>
  ORBITMC_HD void step(X x, W& w, C& c, NoiseKey key, Id chain, uint64_t n) const {
    model.prepare(key, chain, n, w.model_ws());  // this step's minibatch, if any
    const int d = model.layout.dim();
    auto g = w.vec(0);
    auto r1 = w.vec(1);
    auto xn = w.vec(2);
    auto r0 = w.vec(3);
    ambient_potential_grad(model, p.kappa, x, g, w.model_ws());
    normals(key, kStreamLangevin, chain, n + 1, d, r1);
    const T s = lane::sqrt(p.h / (T(2) * p.beta));
#pragma unroll
    for (int k = 0; k < d; ++k) {
      xn[k] = x[k] - p.h * g[k] + s * (r0[k] + r1[k]);
      r0[k] = r1[k];
    }
    commit_or_diverge(d, x, xn, p.bound, c);
  }
};

template <class Model>
struct AmbientMALA : SamplerBase<Model> {
  static constexpr SamplerKind kKind = SamplerKind::kAmbientMALA;
  static constexpr const char* kName = "ambient_mala";
  static constexpr const char* kHelp =
      "Metropolis-adjusted Langevin on L + (kappa/2)|F|^2, exact at finite kappa (keys h, kappa)";
  static constexpr bool kConstrained = false;
  static constexpr bool kExact = true;
  using typename SamplerBase<Model>::T;
  using SamplerBase<Model>::model;
  using SamplerBase<Model>::p;
  // ∇V(x), ∇V(y), R, proposal y. When the model's loss is the same at every step
  // (Model::fixed_loss), V(x) and ∇V(x) of the current state are carried from one step to the
  // next, so that a step costs one gradient: an accepted proposal's become the carried ones, a
  // rejection keeps them. ∇V(x) stays in vec(0); V(x) waits in y[0] between steps (y is
  // rewritten only after it is read). begin() sets V(x) to NaN, which the first step of every
  // run of steps (a segment, a resumed checkpoint, a rank's share) reads as "not computed" and
  // evaluates in the step. A V(x) that is not finite is recomputed (to the same value), and with
  // a per-step minibatch V(x) changes from step to step: then each step computes both gradients.
  //
  // Carried and recomputed values must agree bit for bit, and with the two-gradient step's. On
  // the vector paths (built with FMA) the host compiler contracts a·b + c per inlined copy of
  // the gradient, and how it rounds follows how that copy was inlined: an evaluation in begin(),
  // or one the compiler takes for a cold branch, rounded differently. So the first evaluation
  // sits in the step where the two-gradient step had it, marked likely.
  static constexpr int kVectors = 4;

  template <class W, class Id>
  ORBITMC_HD void begin(W& w, NoiseKey, Id, uint64_t) const {
    using V = elem_t<decltype(w.vec(0))>;
    auto gx = w.vec(0);
#pragma unroll
    for (int k = 0; k < model.layout.dim(); ++k) gx[k] = V(0);  // read (not taken) by select
    w.vec(3)[0] = V(std::numeric_limits<T>::quiet_NaN());
  }
  template <class X, class W, class C, class Id>
  ORBITMC_HD void step(X x, W& w, C& c, NoiseKey key, Id chain, uint64_t n) const {
    model.prepare(key, chain, n, w.model_ws());  // this step's minibatch, if any
    const int d = model.layout.dim();
    auto gx = w.vec(0);
    auto gy = w.vec(1);
    auto r = w.vec(2);
    auto y = w.vec(3);
    using V = elem_t<X>;
    const bool carry = model.fixed_loss();
    V vx = y[0];
    const mask_t<V> unset = !lane::finite(vx);
    const mask_t<V> stale = unset | mask_t<V>(!carry);
    if (__builtin_expect(lane::any(stale), 1)) {  // likely: see above
      // Per lane: a chain that carries its values keeps them.
      const V v = ambient_potential_grad(model, p.kappa, x, gy, w.model_ws());
#pragma unroll
      for (int k = 0; k < d; ++k) gx[k] = lane::select(stale, gy[k], gx[k]);
      vx = lane::select(stale, v, vx);
    }
    normals(key, kStreamLangevin, chain, n, d, r);
    euler_maruyama_move(d, x, gx, r, p.h, p.beta, y);
    const V vy = ambient_potential_grad(model, p.kappa, y, gy, w.model_ws());
    // log q(x | y) − log q(y | x) with q(b | a) ∝ exp(−β |b − a + h∇V(a)|² / (4h)).
    V fwd = V(0), bwd = V(0);
#pragma unroll
    for (int k = 0; k < d; ++k) {
      const V a = y[k] - x[k] + p.h * gx[k];
      const V b = x[k] - y[k] + p.h * gy[k];
      fwd += a * a;
      bwd += b * b;
    }
    const V log_alpha = -p.beta * (vy - vx) - p.beta * (bwd - fwd) / (T(4) * p.h);
    const V u = uniform01<T>(key, kStreamAccept, chain, n);
    const auto accept = lane::finite(log_alpha) & (lane::log(u) < log_alpha);
    const auto moved = commit_or_diverge(d, x, y, p.bound, c, accept);
    // A rejection keeps x, unless x itself is not sane (then the chain is marked diverged).
    lane::count_where(c.rejected, state_is_sane(d, x, p.bound, c, !accept));
    if (carry) {
      // Where x moved to y, y's values are x's (per lane: each chain takes its own).
      if (lane::any(moved)) {
#pragma unroll
        for (int k = 0; k < d; ++k) gx[k] = lane::select(moved, gy[k], gx[k]);
      }
      y[0] = lane::select(moved, vy, vx);
    }
  }
};

}  // namespace orbitmc
