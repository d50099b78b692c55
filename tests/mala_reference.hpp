// TEST-ONLY REFERENCE, not used by any run: AmbientMALA's step as it was before it carried V(x)
// and ∇V(x) from one step to the next. It evaluates V and ∇V at x and at the proposal y every
// step (two gradients). Kept verbatim so that mala_one_gradient_test.cpp can check the
// one-gradient step against it (bit for bit on the scalar path, to rounding on the vector
// paths); the vector paths' copies of its chain loop are compiled in
// mala_reference_lane_chains_<arch>.cpp.
#pragma once

#include "orbitmc/catalog.hpp"

namespace orbitmc::testing {

template <class Model>
struct ReferenceTwoGradientMALA : SamplerBase<Model> {
  using typename SamplerBase<Model>::T;
  using SamplerBase<Model>::model;
  using SamplerBase<Model>::p;
  static constexpr int kVectors = 4;  // ∇V(x), ∇V(y), R, proposal y

  template <class X, class W, class C, class Id>
  ORBITMC_HD void step(X x, W& w, C& c, NoiseKey key, Id chain, uint64_t n) const {
    model.prepare(key, chain, n, w.model_ws());  // this step's minibatch, if any
    const int d = model.layout.dim();
    auto gx = w.vec(0);
    auto gy = w.vec(1);
    auto r = w.vec(2);
    auto y = w.vec(3);
    using V = elem_t<X>;
    const V vx = ambient_potential_grad(model, p.kappa, x, gx, w.model_ws());
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
    commit_or_diverge(d, x, y, p.bound, c, accept);
    // A rejection keeps x, unless x itself is not sane (then the chain is marked diverged).
    lane::count_where(c.rejected, state_is_sane(d, x, p.bound, c, !accept));
  }
};

}  // namespace orbitmc::testing

// X(model type) for every float model the tests run both MALAs over on the vector paths: the
// register path's sizes and the run-time layout of each model (each with and without a per-step
// minibatch, a run-time setting).
#define ORBITMC_TEST_MALA_LANE_MODELS(X)                                \
  X(::orbitmc::BlockSigmaModel<float, ::orbitmc::FixedLayout<1, 1, 3>>) \
  X(::orbitmc::ScalarModel<float, ::orbitmc::FixedLayout<1, 1, 1>>)     \
  X(::orbitmc::ReluModel<float, ::orbitmc::FixedLayout<3, 1, 3>>)       \
  X(::orbitmc::MatfacModel<float, ::orbitmc::FixedLayout<2, 3, 3>>)     \
  X(::orbitmc::BlockSigmaModel<float, ::orbitmc::RuntimeLayout>)        \
  X(::orbitmc::ReluModel<float, ::orbitmc::RuntimeLayout>)              \
  X(::orbitmc::MatfacModel<float, ::orbitmc::RuntimeLayout>)            \
  X(::orbitmc::HadamardModel<float, ::orbitmc::RuntimeLayout>)          \
  X(::orbitmc::AttentionModel<float, ::orbitmc::RuntimeLayout>)
