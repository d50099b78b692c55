// Geometry of a stack of L-factor blocks (THEORY §4, "L-factor blocks"), for any layout
// (block_layout.hpp) and any vector view (vector_view.hpp): what samplers and models call. Per
// block: the factor norms r_k = |u^k|², the breaking conditions F_k = (r_k − r_{k+1})/2 (k = 0…L−2)
// with ∇F_k = (0, …, u^k, −u^{k+1}, …, 0), the stiff penalty, log det G of the Gram matrix of the
// ∇F_k and its gradient, the projection onto the slice r_0 = … = r_{L−1} along the ∇F_k at a base
// point, the tangent projection, and the orbit coordinates σ = Π|u^k| and log(|u^k|/|u^{k+1}|).
// Free parameters are left alone.
//
// Per-chain code: every choice that depends on a chain's values is a mask (lane::select), so the
// functions run on one chain (float, double) and on SIMD batches of chains alike. Loops over
// blocks and factors depend on the layout only.
//
// Structure used throughout. ∇F_k restricted to factor j is (δ_jk − δ_j,k+1)·u^j, so the normal
// space at θ is N(θ) = {(μ_0 u^0, …, μ_{L−1} u^{L−1}) : Σ_k μ_k = 0} (λ ∈ R^{L−1} ↦ μ = Dλ,
// D the L×(L−1) difference matrix), and G = Dᵀ diag(r) D: the tridiagonal matrix with
// G_kk = r_k + r_{k+1}, G_k,k+1 = −r_{k+1}. Linear systems in G (and in the Newton matrix of the
// projection, Dᵀ diag(d) D) are solved through that factorisation: O(L), no pivoting.
//
// Two factors: every function hands a two-factor layout to block_geometry.hpp (at compile time
// for a FixedLayout, by a uniform branch on factors() for a RuntimeLayout), so two-factor
// results and speed are exactly those of the two-factor code. The general arithmetic below
// reduces to block_geometry's operation for operation at L = 2 anyway (tests check it through
// the *_general entry points), except the projection, whose closed-form quadratic root is the
// L = 2 case of the Newton iteration.
#pragma once

#include <type_traits>

#include "block_geometry.hpp"
#include "host_device.hpp"
#include "vector_view.hpp"

namespace orbitmc {
namespace factor_geometry {

namespace detail {
// The scalar type of a lane type (float for a batch of floats), for tolerances.
template <class V, class = void>
struct scalar_of {
  using type = V;
};
template <class V>
struct scalar_of<V, std::void_t<typename V::value_type>> {
  using type = typename V::value_type;
};
template <class V>
using scalar_t = typename scalar_of<V>::type;

template <class T>
ORBITMC_HD ORBITMC_FORCEINLINE T max_lane(const T& a, const T& b) {
  return lane::select(a > b, a, b);
}
}  // namespace detail

// Whether block_geometry.hpp's two-factor code applies (a constant for a FixedLayout).
template <class L>
ORBITMC_HD ORBITMC_FORCEINLINE bool two_factors(const L& l) {
  return L::kMaxFactors == 2 || l.factors() == 2;
}

// r[k] = |u^k_b|² for every factor k of block b (r holds at least factors() lanes).
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE void norms2(const L& l, const V& th, int b, elem_t<V>* r) {
  using T = elem_t<V>;
  for (int k = 0; k < l.factors(); ++k) {
    T s = T(0.0f);
    for (int i = 0; i < l.factor_size(k); ++i) s += th[l.at(b, k, i)] * th[l.at(b, k, i)];
    r[k] = s;
  }
}

// |u^k_b|².
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> factor_norm2(const L& l, const V& th, int b, int k) {
  using T = elem_t<V>;
  T s = T(0.0f);
  for (int i = 0; i < l.factor_size(k); ++i) s += th[l.at(b, k, i)] * th[l.at(b, k, i)];
  return s;
}

// Π_{j≠k} r[j] over the factors, left to right (for two factors: the other one's, exactly).
template <class L, class E>
ORBITMC_HD ORBITMC_FORCEINLINE E product_of_others(const L& l, const E* r, int k) {
  E p = r[k == 0 ? 1 : 0];
  for (int j = (k == 0 ? 2 : 1); j < l.factors(); ++j)
    if (j != k) p = p * r[j];
  return p;
}

// σ_b² = Π_k |u^k_b|² (left to right), writing the factor norms r[k] = |u^k_b|² it is made of.
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> sigma2_and_norms(const L& l, const V& th, int b,
                                                          elem_t<V>* r) {
  norms2(l, th, b, r);
  elem_t<V> p = r[0];
  for (int k = 1; k < l.factors(); ++k) p = p * r[k];
  return p;
}

// F_{b,k}(θ) = (|u^k_b|² − |u^{k+1}_b|²)/2, k = 0…L−2.
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> constraint(const L& l, const V& th, int b, int k) {
  return elem_t<V>(0.5f) * (factor_norm2(l, th, b, k) - factor_norm2(l, th, b, k + 1));
}

// ∇F_{b,k}(θ) = (…, u^k_b, −u^{k+1}_b, …) written into g (every other component zero).
template <class L, class V, class G>
ORBITMC_HD ORBITMC_FORCEINLINE void constraint_grad(const L& l, const V& th, int b, int k, G g) {
  using T = elem_t<V>;
  for (int j = 0; j < l.dim(); ++j) g[j] = T(0.0f);
  for (int i = 0; i < l.factor_size(k); ++i) g[l.at(b, k, i)] = th[l.at(b, k, i)];
  for (int i = 0; i < l.factor_size(k + 1); ++i) g[l.at(b, k + 1, i)] = -th[l.at(b, k + 1, i)];
}

// Stiff penalty (κ/2) Σ_b Σ_k F_{b,k}²; returns it and adds its gradient κ Σ F_{b,k} ∇F_{b,k} to
// g. Factor k sees +κF_k from its own condition and −κF_{k−1} from the one before it.
template <class L, class V, class G, class T>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> add_penalty_grad_general(const L& l, const V& th, T kappa,
                                                                  G g) {
  using E = elem_t<V>;
  E pen = E(0.0f);
  for (int b = 0; b < l.blocks(); ++b) {
    E r[L::kMaxFactors];
    norms2(l, th, b, r);
    E before = E(0.0f);  // κF_{k−1}; none before factor 0
    for (int k = 0; k < l.factors(); ++k) {
      E kf = E(0.0f);  // κF_k; none after the last factor
      if (k + 1 < l.factors()) {
        const E f = T(0.5) * (r[k] - r[k + 1]);
        pen += T(0.5) * kappa * f * f;
        kf = kappa * f;
      }
      const E coef = kf - before;
      for (int i = 0; i < l.factor_size(k); ++i) g[l.at(b, k, i)] += coef * th[l.at(b, k, i)];
      before = kf;
    }
  }
  return pen;
}

// det G of one block from its factor norms r[0..L−1], and (when ddet is given) ∂det G/∂r_k.
//
// Derivation. G = Dᵀ diag(r) D (see the top of the file). By Cauchy–Binet,
// det G = Σ_{|S|=L−1} det(D_S)² Π_{j∈S} r_j over the (L−1)-row minors D_S of D; deleting any one
// row of the difference matrix leaves determinant ±1, so
//   det G = Σ_i Π_{j≠i} r_j = e_{L−1}(r_0, …, r_{L−1})
// (the matrix-tree theorem for a weighted path; on the slice r_j = a²: L·a^{2(L−1)}). With prefix
// products P_j = Π_{i<j} r_i and prefix sums A_j = e_{j−1}(r_0, …, r_{j−1}) (A_0 = 0, A_1 = 1),
//   A_{j+1} = A_j·r_j + P_j,   det G = A_L.
// A_{j+1} is the leading j×j minor of G; this is the tridiagonal determinant recurrence
// D_j = (r_{j−1} + r_j)·D_{j−1} − r_{j−1}²·D_{j−2} rewritten without the subtraction (every term
// is ≥ 0: no cancellation). e_{L−1} is linear in each r_k: the terms with i < k give A_k·Q_{k+1}
// and those with i > k give P_k·B_{k+1}, with the suffix analogues Q_j = Π_{i≥j} r_i and
// B_j = e_{L−1−j}(r_j, …, r_{L−1}) (B_L = 0, B_{L−1} = 1, B_j = B_{j+1}·r_j + Q_{j+1}):
//   ∂det G/∂r_k = A_k·Q_{k+1} + P_k·B_{k+1},
// computed in one backward sweep after the forward one. (Divided by det G this is the cofactor
// formula ∂ log det G/∂r_k = tr(G⁻¹ ∂G/∂r_k) = (D G⁻¹ Dᵀ)_kk, without forming G⁻¹.) Then
// ∇_{u^k} log det G = 2u^k·∂_k det G / det G.
// No rescaling: in float the products stay in range while r_k^{L−1} does (r_k within about
// 10^{±5} for L = 8). For L = 2 the forward sweep gives det G = 1·r_1 + r_0 and ∂_k det G = 1
// exactly, block_geometry's |u|² + |v|² and 2/(|u|² + |v|²).
template <class L, class E>
ORBITMC_HD ORBITMC_FORCEINLINE E gram_det(const L& l, const E* r, E* ddet) {
  E pre[L::kMaxFactors + 1];  // P_j
  E acc[L::kMaxFactors + 1];  // A_j
  pre[0] = E(1.0f);
  acc[0] = E(0.0f);
  for (int j = 0; j < l.factors(); ++j) {
    acc[j + 1] = acc[j] * r[j] + pre[j];
    pre[j + 1] = pre[j] * r[j];
  }
  if (ddet) {
    E suf = E(1.0f);  // Q_{k+1}
    E bac = E(0.0f);  // B_{k+1}
    for (int k = l.factors() - 1; k >= 0; --k) {
      ddet[k] = acc[k] * suf + pre[k] * bac;
      bac = bac * r[k] + suf;
      suf = suf * r[k];
    }
  }
  return acc[l.factors()];
}

// log det G_b of one block.
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> log_det_gram_block(const L& l, const V& th, int b) {
  using E = elem_t<V>;
  E r[L::kMaxFactors];
  norms2(l, th, b, r);
  return lane::log(gram_det(l, r, static_cast<E*>(nullptr)));
}

// log det G = Σ_b log det G_b  (blocks have their own groups: G is block diagonal).
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> log_det_gram_general(const L& l, const V& th) {
  using E = elem_t<V>;
  E s = E(0.0f);
  for (int b = 0; b < l.blocks(); ++b) s += log_det_gram_block(l, th, b);
  return s;
}

// g += scale · ∇ log det G, with ∇_{u^k_b} log det G_b = 2u^k_b·∂_k det G_b / det G_b (gram_det).
template <class L, class X, class G, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void add_log_det_gram_grad_general(const L& l, const X& th, T scale,
                                                                  G g) {
  using E = elem_t<X>;
  for (int b = 0; b < l.blocks(); ++b) {
    E r[L::kMaxFactors], dd[L::kMaxFactors];
    norms2(l, th, b, r);
    const E det = gram_det(l, r, dd);
    for (int k = 0; k < l.factors(); ++k) {
      const E f = T(2) * scale * dd[k] / det;
      for (int i = 0; i < l.factor_size(k); ++i) g[l.at(b, k, i)] += f * th[l.at(b, k, i)];
    }
  }
}

// Orbit coordinate σ_b = Π_k |u^k_b| (the norm of the rank-one tensor u^0 ⊗ … ⊗ u^{L−1}).
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> sigma_general(const L& l, const V& th, int b) {
  using E = elem_t<V>;
  E p = factor_norm2(l, th, b, 0);
  for (int k = 1; k < l.factors(); ++k) p = p * factor_norm2(l, th, b, k);
  return lane::sqrt(p);
}

// Along-orbit coordinate k of block b: log(|u^k_b| / |u^{k+1}_b|), k = 0…L−2 (0 on the slice).
template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> balance_general(const L& l, const V& th, int b, int k) {
  using E = elem_t<V>;
  return E(0.5f) * lane::log(factor_norm2(l, th, b, k) / factor_norm2(l, th, b, k + 1));
}

// Newton's method for the projection: iteration bound and step tolerance (relative to the
// factors' scale: μ is dimensionless). Convergence is quadratic, so a step below the tolerance
// leaves an error of about its square: below rounding in either precision.
constexpr int kNewtonIterations = 12;
template <class S>
ORBITMC_HD constexpr S newton_step_tolerance() {
  return sizeof(S) == 4 ? S(2e-4f) : S(1e-8);
}
// A converged point whose conditions are not met to this relative accuracy counts as a failure
// (a guard against a stalled iteration; far looser than where Newton ends).
template <class S>
ORBITMC_HD constexpr S newton_residual_tolerance() {
  return sizeof(S) == 4 ? S(1e-3f) : S(1e-7);
}

// Projects x̃ onto the slice along the normal space at the base point θ, for any L ≥ 2:
// x' = x̃ + Σ_k λ_k ∇F_k(θ) with F(x') = 0, by Newton's method on the L−1 conditions from λ = 0.
//
// In the coordinates μ = Dλ (Σ μ_k = 0) factor k moves to x'^k = x̃^k + μ_k θ^k, and with
// r_k = |θ^k|², c_k = x̃^k·θ^k, r̃_k = |x̃^k|² its norm is q_k(μ) = r̃_k + μ_k(2c_k + μ_k r_k):
// after O(N) dot products each iteration is O(L) scalar work. The Newton matrix
// ∂F_j/∂λ_k = ∇F_j(x')·∇F_k(θ) is tridiagonal, Dᵀ diag(d) D with d_k = x'^k·θ^k = c_k + μ_k r_k;
// solving it amounts to asking the linearised norms q_k + 2d_k Δμ_k to agree on a common value t
// with Σ Δμ_k = 0:
//   Δμ_k = (t − q_k)/(2d_k),   t = Σ_k (q_k/d_k) / Σ_k (1/d_k).
// The iteration stops per chain (a converged lane stays frozen, so its result never depends on
// the other lanes of a batch) when the step is below newton_step_tolerance. It fails — mask
// false, and the block is left at x̃ (a finite point) — when it has not converged after
// kNewtonIterations, when some d_k = x'^k·θ^k ≤ 0 at the end (factor k has swung into the half-
// space opposite θ^k: not the intersection near x̃ that a step is meant to find, and the Newton
// matrix there is singular or indefinite; this also covers θ_b = 0), or when the result is not
// finite. For L = 2 the same conditions are block_geometry's quadratic
// (|u|² − |v|²)λ² + 2(ũ·u + ṽ·v)λ + (|ũ|² − |ṽ|²) = 0 with μ = (λ, −λ), whose root nearest 0 is
// this iteration's limit (to rounding); project() uses that closed form for L = 2. Writes out
// (may alias xt; free parameters are copied).
template <class L, class V, class X, class O>
ORBITMC_HD ORBITMC_FORCEINLINE mask_t<elem_t<V>> project_newton(const L& l, const V& th,
                                                                const X& xt, O out) {
  using T = elem_t<V>;
  using S = detail::scalar_t<T>;
  const T zero(0.0f), one(1.0f), half(0.5f), two(2.0f);
  const T step_tol(newton_step_tolerance<S>());
  const T res_tol(newton_residual_tolerance<S>());
  const int nf = l.factors();
  mask_t<T> all_ok(true);
  for (int b = 0; b < l.blocks(); ++b) {
    T r[L::kMaxFactors], c[L::kMaxFactors], rt[L::kMaxFactors], mu[L::kMaxFactors];
    for (int k = 0; k < nf; ++k) {
      T rk = zero, ck = zero, rtk = zero;
      for (int i = 0; i < l.factor_size(k); ++i) {
        const T t = th[l.at(b, k, i)], x = xt[l.at(b, k, i)];
        rk += t * t;
        ck += x * t;
        rtk += x * x;
      }
      r[k] = rk;
      c[k] = ck;
      rt[k] = rtk;
      mu[k] = zero;
    }
    mask_t<T> done(false);
    for (int it = 0; it < kNewtonIterations; ++it) {
      T q[L::kMaxFactors], w[L::kMaxFactors];
      T sw = zero, sqw = zero;
      for (int k = 0; k < nf; ++k) {
        const T d = c[k] + mu[k] * r[k];
        // A non-positive d is judged at the end; here it only must not divide by zero.
        w[k] = one / lane::select(d > zero, d, one);
        q[k] = rt[k] + mu[k] * (two * c[k] + mu[k] * r[k]);
        sw += w[k];
        sqw += q[k] * w[k];
      }
      const T t = sqw / sw;
      T step = zero;
      for (int k = 0; k < nf; ++k) {
        const T dm = lane::select(done, zero, half * (t - q[k]) * w[k]);
        mu[k] += dm;
        step = detail::max_lane(step, lane::fabs(dm));
      }
      done = done | (step <= step_tol);
      if (!lane::any(!done)) break;  // every lane converged (uniform: no lane waits on another)
    }
    mask_t<T> ok = done;
    T q_prev = zero;
    for (int k = 0; k < nf; ++k) {
      const T q = rt[k] + mu[k] * (two * c[k] + mu[k] * r[k]);
      ok = ok & (c[k] + mu[k] * r[k] > zero) & lane::finite(mu[k]);
      if (k > 0) ok = ok & (lane::fabs(q - q_prev) <= res_tol * (q + q_prev));
      q_prev = q;
    }
    all_ok = all_ok & ok;
    for (int k = 0; k < nf; ++k) {
      const T m = lane::select(ok, mu[k], zero);
      for (int i = 0; i < l.factor_size(k); ++i)
        out[l.at(b, k, i)] = xt[l.at(b, k, i)] + m * th[l.at(b, k, i)];
    }
  }
  for (int k = 0; k < l.free_dim(); ++k) out[l.free(k)] = xt[l.free(k)];
  return all_ok;
}

// The projection onto the slice along ∇F(θ): block_geometry's closed form for L = 2 (bit-
// identical to the two-factor code), Newton (project_newton) for L ≥ 3. Returns false in the
// lanes where some block could not be projected (the step must then be rejected).
template <class L, class V, class X, class O>
ORBITMC_HD ORBITMC_FORCEINLINE mask_t<elem_t<V>> project(const L& l, const V& th, const X& xt,
                                                         O out) {
  if (two_factors(l)) return geometry::project(l, th, xt, out);
  return project_newton(l, th, xt, out);
}

// Removes from w its component in the normal space span{∇F_k(θ)}, for any L ≥ 2: w ← w − Σλ_k∇F_k
// with G λ = (∇F_k·w)_k. With μ = Dλ that is the least-squares problem
// min Σ_k |w^k − μ_k θ^k|² subject to Σ_k μ_k = 0, whose Lagrange conditions
// r_k μ_k − s_k + ν = 0 (s_k = w^k·θ^k) give
//   μ_k = (s_k − ν)/r_k,   ν = Σ_k (s_k/r_k) / Σ_k (1/r_k)
// — the solution of the tridiagonal system through G = Dᵀ diag(r) D, in O(L). A block with a zero
// factor has no well-defined normal space (on the slice it is θ_b = 0) and is left unchanged,
// as block_geometry does for L = 2.
template <class L, class V, class W>
ORBITMC_HD ORBITMC_FORCEINLINE void project_tangent_general(const L& l, const V& th, W w) {
  using T = elem_t<V>;
  const T zero(0.0f), one(1.0f);
  const int nf = l.factors();
  for (int b = 0; b < l.blocks(); ++b) {
    T inv[L::kMaxFactors], s[L::kMaxFactors];
    mask_t<T> regular(true);
    T sinv = zero, ssinv = zero;
    for (int k = 0; k < nf; ++k) {
      T rk = zero, sk = zero;
      for (int i = 0; i < l.factor_size(k); ++i) {
        const T t = th[l.at(b, k, i)];
        rk += t * t;
        sk += w[l.at(b, k, i)] * t;
      }
      regular = regular & (rk > zero);
      inv[k] = one / lane::select(rk > zero, rk, one);
      s[k] = sk;
      sinv += inv[k];
      ssinv += sk * inv[k];
    }
    const T nu = ssinv / sinv;
    for (int k = 0; k < nf; ++k) {
      const T m = lane::select(regular, (s[k] - nu) * inv[k], zero);
      for (int i = 0; i < l.factor_size(k); ++i) w[l.at(b, k, i)] -= m * th[l.at(b, k, i)];
    }
  }
}

// The tangent projection: block_geometry's for L = 2 (bit-identical), the general one above for
// L ≥ 3.
template <class L, class V, class W>
ORBITMC_HD ORBITMC_FORCEINLINE void project_tangent(const L& l, const V& th, W w) {
  if (two_factors(l)) {
    geometry::project_tangent(l, th, w);
    return;
  }
  project_tangent_general(l, th, w);
}

// ---------------------------------------------------------------------------------------------
// Any layout: block_geometry.hpp for two factors, the general arithmetic above otherwise.

template <class L, class V, class G, class T>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> add_penalty_grad(const L& l, const V& th, T kappa, G g) {
  if (two_factors(l)) return geometry::add_penalty_grad(l, th, kappa, g);
  return add_penalty_grad_general(l, th, kappa, g);
}

template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> log_det_gram(const L& l, const V& th) {
  if (two_factors(l)) return geometry::log_det_gram(l, th);
  return log_det_gram_general(l, th);
}

template <class L, class X, class G, class T>
ORBITMC_HD ORBITMC_FORCEINLINE void add_log_det_gram_grad(const L& l, const X& th, T scale, G g) {
  if (two_factors(l)) {
    geometry::add_log_det_gram_grad(l, th, scale, g);
    return;
  }
  add_log_det_gram_grad_general(l, th, scale, g);
}

template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> sigma(const L& l, const V& th, int b) {
  if (two_factors(l)) return geometry::sigma(l, th, b);
  return sigma_general(l, th, b);
}

template <class L, class V>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> balance(const L& l, const V& th, int b, int k) {
  if (two_factors(l)) return geometry::balance(l, th, b);
  return balance_general(l, th, b, k);
}

// Invariant ridge (ρ/2) Σ_b σ_b² = (ρ/2) Σ_b Π_k |u^k_b|² (block_geometry's scale_ridge for two
// factors); the _grad form adds its gradient ρ·Π_{j≠k}|u^j_b|²·u^k_b to g.
template <class L, class V, class T>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> scale_ridge(const L& l, const V& th, T rho) {
  using E = elem_t<V>;
  if (two_factors(l)) return geometry::scale_ridge(l, th, rho);
  E s = E(0.0f);
  for (int b = 0; b < l.blocks(); ++b) {
    E r[L::kMaxFactors] = {};  // zeroed: the compiler cannot see that factors() >= 1
    s += sigma2_and_norms(l, th, b, r);
  }
  return T(0.5) * rho * s;
}
template <class L, class V, class T, class G>
ORBITMC_HD ORBITMC_FORCEINLINE elem_t<V> add_scale_ridge_grad(const L& l, const V& th, T rho, G g) {
  using E = elem_t<V>;
  if (two_factors(l)) return geometry::add_scale_ridge_grad(l, th, rho, g);
  E s = E(0.0f);
  for (int b = 0; b < l.blocks(); ++b) {
    E r[L::kMaxFactors] = {};  // zeroed: the compiler cannot see that factors() >= 1
    s += sigma2_and_norms(l, th, b, r);
    for (int k = 0; k < l.factors(); ++k) {
      const E others = product_of_others(l, r, k);
      for (int i = 0; i < l.factor_size(k); ++i)
        g[l.at(b, k, i)] += rho * others * th[l.at(b, k, i)];
    }
  }
  return T(0.5) * rho * s;
}

}  // namespace factor_geometry
}  // namespace orbitmc
