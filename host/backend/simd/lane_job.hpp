// The interface between the CPU backend and its vector path: a range of chains to
// advance in groups of one batch each, and the callbacks through which the vector code hands
// observations back. Only plain types cross it: the per-instruction-set translation units that
// run the lanes (lane_chains_<arch>.cpp) call no inline function of the baseline code, so
// nothing compiled for AVX-512 can stand in for a baseline function at link time.
#pragma once

#include <cstdint>

#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/core/observation.hpp"
#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc::simd {

struct LaneJob {
  double* x = nullptr;                // chains × dim, chain-major (EnsembleState::x)
  ChainCounters* counters = nullptr;  // one per chain
  uint64_t chains = 0;                // the state's size: lanes at or past it are padding
  uint64_t first_chain = 0;           // global index of the state's chain 0 (its noise)
  uint64_t first = 0, last = 0;       // this range, in groups: first is a multiple of the lanes
  uint64_t n0 = 0, n1 = 0;            // steps [n0, n1)
  // Sampling times (t = step index + 1), from the Schedule by the baseline code: the first at
  // or after n0 + 1, its index among the samples, the spacing, and the number of samples.
  uint64_t next_sample = 0, sample_index = 0, thin = 1, samples = 0;
  NoiseKey key{0};
  int dim = 0;
  int observed = 0;         // coordinates per sample
  int coord[kMaxObserved];  // the model's coordinate index of each
  void* context = nullptr;
  // Called once per sample time with values[k·lanes + l] (coordinate k of lane l) and the
  // lanes' divergence flags, which it may set (2: a non-finite coordinate). Chains at or past
  // `chains`, and diverged ones, are to be skipped.
  void (*observe)(void* context, uint64_t first_chain, int lanes, int half, const float* values,
                  int32_t* diverged) = nullptr;
  // Around each group: load and store the group's moments (baseline code).
  void (*begin_group)(void* context, uint64_t first_chain, int lanes) = nullptr;
  void (*end_group)(void* context, uint64_t first_chain, int lanes) = nullptr;
};

// The vector paths compiled in: advance job's range with sampler s (float chains).
template <class S>
void run_lanes_avx2(const S& s, const LaneJob& job);
template <class S>
void run_lanes_avx512(const S& s, const LaneJob& job);

}  // namespace orbitmc::simd
