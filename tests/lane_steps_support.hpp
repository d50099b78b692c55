// Test support: chains advanced on one of the CPU's vector paths through its entry point
// (simd::run_lanes_on: begin(), then the steps), with no observations, for the tests that hold
// the vector path against the scalar one or against a reference.
#pragma once

#include <cstdint>
#include <limits>

#include "backend/simd/lane_dispatch.hpp"

namespace orbitmc {

// Steps [n0, n1) of chains[0, counters.size()) of x (chains × dim, double), chains numbered
// from first_chain (their noise), under noise key `key`.
template <class S>
void lane_steps_between(simd::LanePath path, const S& s, double* x, ChainCounters* counters,
                        uint64_t chains, uint64_t n0, uint64_t n1, NoiseKey key,
                        uint64_t first_chain) {
  const uint64_t lanes = static_cast<uint64_t>(simd::lane_count(path));
  simd::LaneJob job;
  job.x = x;
  job.counters = counters;
  job.chains = chains;
  job.first_chain = first_chain;
  job.first = 0;
  job.last = (chains + lanes - 1) / lanes * lanes;
  job.n0 = n0;
  job.n1 = n1;
  job.next_sample = std::numeric_limits<uint64_t>::max();  // never a sample
  job.key = key;
  job.dim = s.model.layout.dim();
  job.observe = [](void*, uint64_t, int, int, const float*, int32_t*) {};
  job.begin_group = [](void*, uint64_t, int) {};
  job.end_group = [](void*, uint64_t, int) {};
  simd::run_lanes_on(path, s, job);
}

}  // namespace orbitmc
