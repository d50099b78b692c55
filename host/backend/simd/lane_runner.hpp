// The vector path's chain loop: advances groups of chains, one chain per lane of an xsimd
// batch, through the same sampler and model functors as the scalar path (run_chain in
// orbitmc/chain_runner.hpp), with the same sampling times. Lanes differ from the scalar loop in
// one way: a chain cannot leave the loop when it diverges, so a group with a diverged lane
// saves and restores that lane's state around each step (divergence is rare; the check is one
// compare per step). Padding lanes past the ensemble copy lane 0's state and are never stored.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "backend/simd/lane_job.hpp"
#include "backend/simd/lane_noise.hpp"
#include "backend/simd/lane_ops.hpp"
#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/samplers/sampler_params.hpp"

namespace orbitmc::simd {

// A group's state and scratch: arrays for a compiled-in layout, one buffer for a run-time one.
template <class S, class F, bool kFixed = model_of<S>::Layout::kFixed>
struct LaneMemory;

template <class S, class F>
struct LaneMemory<S, F, true> {
  static constexpr int D = model_of<S>::Layout::kDim;
  F x[D];
  F saved[D];
  RegisterWork<F, D, S::kVectors, model_of<S>::kScratch> work;
  explicit LaneMemory(const S&) {}
  F* state() { return x; }
  F* backup() { return saved; }
};

template <class S, class F>
struct LaneMemory<S, F, false> {
  std::vector<F> words;  // x, the saved x, the sampler's vectors, the model's scratch
  ViewWork<F*> work;
  int d;
  explicit LaneMemory(const S& s) : d(s.model.layout.dim()) {
    words.assign(static_cast<size_t>(d) * (2 + S::kVectors) + s.model.scratch_words(), F(0.0f));
    work = ViewWork<F*>{words.data() + 2 * d, d, S::kVectors};
  }
  F* state() { return words.data(); }
  F* backup() { return words.data() + d; }
};

template <class A, class S>
void run_lanes(const S& s, const LaneJob& job) {
  using F = xsimd::batch<float, A>;
  using I = xsimd::batch<int32_t, A>;
  using U = xsimd::batch<uint32_t, A>;
  constexpr int W = static_cast<int>(F::size);
  const int d = job.dim;
  LaneMemory<S, F> mem(s);
  F* x = mem.state();
  alignas(64) float buf[W];
  alignas(64) int32_t ibuf[3][W];
  alignas(64) uint32_t ids[W];
  alignas(64) float values[kMaxObserved * W];
  for (uint64_t g = job.first; g < job.last; g += W) {
    // A padding lane runs lane 0's chain again (a state that does not diverge by construction).
    auto source = [&](int l) { return g + l < job.chains ? g + l : g; };
    for (int k = 0; k < d; ++k) {
      for (int l = 0; l < W; ++l) buf[l] = static_cast<float>(job.x[source(l) * d + k]);
      x[k] = F::load_aligned(buf);
    }
    for (int l = 0; l < W; ++l) {
      const ChainCounters& c = job.counters[source(l)];
      ibuf[0][l] = static_cast<int32_t>(c.rejected);
      ibuf[1][l] = static_cast<int32_t>(c.failed);
      ibuf[2][l] = static_cast<int32_t>(c.diverged);
      ids[l] = static_cast<uint32_t>(job.first_chain + g + l);
    }
    Counters<I> c;
    c.rejected = I::load_aligned(ibuf[0]);
    c.failed = I::load_aligned(ibuf[1]);
    c.diverged = I::load_aligned(ibuf[2]);
    const LaneChains<A> chain{U::load_aligned(ids)};
    job.begin_group(job.context, g, W);

    if (job.n0 < job.n1) s.begin(mem.work, job.key, chain, job.n0);
    uint64_t next = job.next_sample;
    uint64_t si = job.sample_index;
    for (uint64_t n = job.n0; n < job.n1; ++n) {
      // One call of the step, whether or not a lane is dead: two inlined copies may be compiled
      // with different floating-point contractions, and a chain's numbers would then depend on
      // its neighbours in the group (on the ranks' ranges under MPI).
      const auto dead = c.diverged != I(0);
      const bool any_dead = xsimd::any(dead);
      if (any_dead && xsimd::all(dead)) break;
      F* saved = mem.backup();
      const Counters<I> before = c;
      if (any_dead)
        for (int k = 0; k < d; ++k) saved[k] = x[k];
      s.step(x, mem.work, c, job.key, chain, n);
      if (any_dead) {
        const auto keep = xsimd::bool_cast(dead);
        for (int k = 0; k < d; ++k) x[k] = xsimd::select(keep, saved[k], x[k]);
        c.rejected = xsimd::select(dead, before.rejected, c.rejected);
        c.failed = xsimd::select(dead, before.failed, c.failed);
        c.diverged = xsimd::select(dead, before.diverged, c.diverged);
      }
      if (n + 1 != next) continue;
      const int h = 2 * si >= job.samples ? 1 : 0;
      next += job.thin;
      ++si;
      for (int k = 0; k < job.observed; ++k)
        s.model.coord(x, job.coord[k]).store_aligned(values + k * W);
      c.diverged.store_aligned(ibuf[2]);
      job.observe(job.context, g, W, h, values, ibuf[2]);
      c.diverged = I::load_aligned(ibuf[2]);
    }

    c.rejected.store_aligned(ibuf[0]);
    c.failed.store_aligned(ibuf[1]);
    c.diverged.store_aligned(ibuf[2]);
    for (int k = 0; k < d; ++k) {
      x[k].store_aligned(buf);
      for (int l = 0; l < W && g + l < job.chains; ++l)
        job.x[(g + l) * d + k] = static_cast<double>(buf[l]);
    }
    for (int l = 0; l < W && g + l < job.chains; ++l) {
      ChainCounters& out = job.counters[g + l];
      out.rejected = static_cast<uint32_t>(ibuf[0][l]);
      out.failed = static_cast<uint32_t>(ibuf[1][l]);
      out.diverged = static_cast<uint32_t>(ibuf[2][l]);
    }
    job.end_group(job.context, g, W);
  }
}

}  // namespace orbitmc::simd
