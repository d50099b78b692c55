// The per-chain loop that both backends run: advance one chain over steps [n0, n1), observing
// the chosen orbit coordinates at sampling times. The histogram sink is the only part that
// differs between backends (thread-local counts on the CPU, shared-memory atomics on the GPU).
#pragma once

#include "core/chain_state.hpp"
#include "core/factor_geometry.hpp"
#include "core/observation.hpp"
#include "core/philox_noise.hpp"

namespace orbitmc {

// Initial state on the slice: each block gets uniformly random directions for its factors and
// |u^0| = … = |u^{L−1}| = σ^(1/L) (two factors: |u| = |v| = sqrt(σ)) with σ uniform on
// [sigma_lo, sigma_hi] (stream kStreamInit, step 0); free parameters are N(0, 1).
template <class Model, class X, class T = typename Model::Scalar>
ORBITMC_HD void init_chain(const Model& model, NoiseKey key, uint32_t chain, T sigma_lo, T sigma_hi,
                           X x) {
  using L = typename Model::Layout;
  const auto& l = model.layout;
  normals(key, kStreamInit, chain, 0, l.dim(), x);
#pragma unroll
  for (int b = 0; b < l.blocks(); ++b) {
    T r[L::kMaxFactors];
    factor_geometry::norms2(l, x, b, r);
    // A direction needs a non-zero draw: Box–Muller gives exactly 0 when U1 rounds to 1 (about
    // 3e-8 per pair in float), and 0/0 would start the chain at NaN. Fall back to the first axis.
#pragma unroll
    for (int k = 0; k < l.factors(); ++k) {
      if (!(r[k] > T(0))) {
        x[l.at(b, k, 0)] = T(1);
        r[k] = T(1);
      }
    }
    const T s = sigma_lo + (sigma_hi - sigma_lo) *
                               uniform01<T>(key, kStreamInit, chain, 1, static_cast<uint32_t>(b));
    const T a =
        factor_geometry::two_factors(l) ? lane::sqrt(s) : lane::exp(lane::log(s) / T(l.factors()));
#pragma unroll
    for (int k = 0; k < l.factors(); ++k) {
      const T f = a / lane::sqrt(r[k]);
#pragma unroll
      for (int i = 0; i < l.factor_size(k); ++i) x[l.at(b, k, i)] *= f;
    }
  }
}

// Advances one chain over steps [n0, n1) with the sampler's scratch in `work`. Sink is called
// as sink(k, slot) for observed coordinate k (BinSpec::slot: bins, then underflow and
// overflow); moments[k] accumulates coordinate k per half.
template <class Sampler, class X, class Work, class Sink, class T = typename Sampler::T>
ORBITMC_HD void run_chain(const Sampler& s, X x, Work& work, ChainCounters& c,
                          SplitMoments<T>* moments, const ObservationSpec<T>& obs,
                          const Schedule& sched, NoiseKey key, uint32_t chain, uint64_t n0,
                          uint64_t n1, Sink& sink) {
  if (n0 < n1) s.begin(work, key, chain, n0);
  const uint64_t samples = sched.samples();
  uint64_t next = sched.first_sample_time(n0 + 1);  // time (step index + 1) of the next sample
  uint64_t si = (next - sched.burn_in) / sched.thin - 1;
  for (uint64_t n = n0; n < n1 && !c.diverged; ++n) {
    s.step(x, work, c, key, chain, n);
    if (n + 1 != next) continue;
    const int h = 2 * si >= samples ? 1 : 0;
    next += sched.thin;
    ++si;
    if (c.diverged) continue;
    // All coordinates first: a non-finite one (never expected) freezes the chain before any of
    // this sample is recorded.
    T v[kMaxObserved];
    bool finite = true;
#pragma unroll
    for (int k = 0; k < kMaxObserved; ++k) {
      v[k] = k < obs.count ? s.model.coord(x, obs.bin[k].coord) : T(0);
      finite = finite && lane::finite(v[k]);
    }
    if (!finite) {
      c.diverged = 2;
      continue;
    }
#pragma unroll
    for (int k = 0; k < kMaxObserved; ++k) {
      if (k < obs.count) {
        moments[k].add(h, v[k]);
        sink(k, obs.bin[k].slot(v[k]));
      }
    }
  }
}

}  // namespace orbitmc
