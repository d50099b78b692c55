// Ambient overdamped Langevin on V = L + (κ/2)|F|² in R^D (THEORY §3): Euler–Maruyama,
// Leimkuhler–Matthews (O(h²) stationary bias at EM's cost) and MALA (unbiased). As κ → ∞ the
// stationary law restricted to the slice tends to exp(−βL)·det G^{−1/2} dσ.
#pragma once

#include "../block_geometry.hpp"
#include "../chain_state.hpp"
#include "../philox_noise.hpp"
#include "sampler_params.hpp"

namespace orbitmc {

// V(θ) and ∇V(θ) for the ambient samplers.
template <class Model, class T = typename Model::Scalar>
ORBITMC_HD ORBITMC_FORCEINLINE T ambient_potential_grad(const Model& m, T kappa, const T* x, T* g) {
  const T l = m.loss_grad(x, g);
  return l + geometry::add_penalty_grad<typename Model::Layout>(x, kappa, g);
}

// The Euler–Maruyama move x − h∇V + sqrt(2h/β) R, shared by EM, MALA's proposal and the
// unconstrained half of the projection scheme.
template <class T, int D>
ORBITMC_HD ORBITMC_FORCEINLINE void euler_maruyama_move(const T (&x)[D], const T (&g)[D],
                                                        const T (&r)[D], T h, T beta, T (&out)[D]) {
  const T s = om::sqrt(T(2) * h / beta);
#pragma unroll
  for (int k = 0; k < D; ++k) out[k] = x[k] - h * g[k] + s * r[k];
}

template <class Model>
struct AmbientEM {
  using T = typename Model::Scalar;
  static constexpr int kDim = Model::kDim;
  Model model;
  SamplerParams<T> p;
  struct Carry {};

  ORBITMC_HD void begin(Carry&, NoiseKey, uint32_t, uint64_t) const {}
  ORBITMC_HD void step(T (&x)[kDim], Carry&, ChainCounters& c, NoiseKey key, uint32_t chain,
                       uint64_t n) const {
    T g[kDim], r[kDim], xn[kDim];
    ambient_potential_grad(model, p.kappa, x, g);
    normals<T, kDim>(key, kStreamLangevin, chain, n, r);
    euler_maruyama_move(x, g, r, p.h, p.beta, xn);
    commit_or_diverge(x, xn, p.bound, c);
  }
};

template <class Model>
struct AmbientLM {
  using T = typename Model::Scalar;
  static constexpr int kDim = Model::kDim;
  Model model;
  SamplerParams<T> p;

  // Carries R_{n+1} to the next step, so each step draws one noise vector. R_n is a pure
  // function of the step, so begin() rebuilds it after any segment boundary or resume.
  struct Carry {
    T r[kDim];
  };

  ORBITMC_HD void begin(Carry& carry, NoiseKey key, uint32_t chain, uint64_t n) const {
    normals<T, kDim>(key, kStreamLangevin, chain, n, carry.r);
  }
  ORBITMC_HD void step(T (&x)[kDim], Carry& carry, ChainCounters& c, NoiseKey key, uint32_t chain,
                       uint64_t n) const {
    T g[kDim], r1[kDim], xn[kDim];
    ambient_potential_grad(model, p.kappa, x, g);
    normals<T, kDim>(key, kStreamLangevin, chain, n + 1, r1);
    const T s = om::sqrt(p.h / (T(2) * p.beta));
#pragma unroll
    for (int k = 0; k < kDim; ++k) {
      xn[k] = x[k] - p.h * g[k] + s * (carry.r[k] + r1[k]);
      carry.r[k] = r1[k];
    }
    commit_or_diverge(x, xn, p.bound, c);
  }
};

template <class Model>
struct AmbientMALA {
  using T = typename Model::Scalar;
  static constexpr int kDim = Model::kDim;
  Model model;
  SamplerParams<T> p;
  struct Carry {};

  ORBITMC_HD void begin(Carry&, NoiseKey, uint32_t, uint64_t) const {}
  ORBITMC_HD void step(T (&x)[kDim], Carry&, ChainCounters& c, NoiseKey key, uint32_t chain,
                       uint64_t n) const {
    T gx[kDim], gy[kDim], r[kDim], y[kDim];
    const T vx = ambient_potential_grad(model, p.kappa, x, gx);
    normals<T, kDim>(key, kStreamLangevin, chain, n, r);
    euler_maruyama_move(x, gx, r, p.h, p.beta, y);
    const T vy = ambient_potential_grad(model, p.kappa, y, gy);
    // log q(x | y) − log q(y | x) with q(b | a) ∝ exp(−β |b − a + h∇V(a)|² / (4h)).
    T fwd = T(0), bwd = T(0);
#pragma unroll
    for (int k = 0; k < kDim; ++k) {
      const T a = y[k] - x[k] + p.h * gx[k];
      const T b = x[k] - y[k] + p.h * gy[k];
      fwd += a * a;
      bwd += b * b;
    }
    const T log_alpha = -p.beta * (vy - vx) - p.beta * (bwd - fwd) / (T(4) * p.h);
    const T u = uniform01<T>(key, kStreamAccept, chain, n);
    if (om::finite(log_alpha) && om::log(u) < log_alpha) {
      commit_or_diverge(x, y, p.bound, c);
    } else if (state_is_sane(x, p.bound, c)) {  // a non-finite proposal is rejected
      ++c.rejected;
    }
  }
};

}  // namespace orbitmc
