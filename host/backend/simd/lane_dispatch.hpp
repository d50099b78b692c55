// Which vector path the CPU backend's chains take, chosen at run time: the widest instruction
// set compiled in that this CPU runs and that has a chain runner (AVX-512, then AVX2), or
// the scalar path. ORBITMC_SIMD (simd_noise_dispatch.hpp) forces one; "scalar" (or "sse2",
// whose noise kernel is slower than the scalar path's) runs the scalar path. Float chains only:
// double runs take the scalar path.
#pragma once

#include <type_traits>
#include <vector>

#include "backend/simd/lane_job.hpp"

namespace orbitmc::simd {

enum class LanePath { kScalar, kAvx2, kAvx512 };

LanePath chosen_lane_path();
std::vector<LanePath> available_lane_paths();  // compiled in and run by this CPU, widest first
int lane_count(LanePath path);                 // chains per group (0 for the scalar path)
const char* lane_name(LanePath path);          // "scalar", "avx2", "avx512"

// The path for sampler type S: the chosen one for float chains, the scalar one otherwise.
template <class S>
LanePath lane_path_for() {
  return std::is_same<typename S::T, float>::value ? chosen_lane_path() : LanePath::kScalar;
}

// Runs job on path (not kScalar) with sampler s. The entry points are instantiated for float
// samplers only (lane_instances.hpp), so a double sampler, which lane_path_for sends to the
// scalar path, must not even name them: `if constexpr`, not the optimiser's dead-code
// elimination, keeps the reference out (an -O1 build failed to link without it).
template <class S>
void run_lanes_on(LanePath path, const S& s, const LaneJob& job) {
#if ORBITMC_HAVE_XSIMD
  if constexpr (std::is_same<typename S::T, float>::value) {
    if (path == LanePath::kAvx512) return run_lanes_avx512(s, job);
    if (path == LanePath::kAvx2) return run_lanes_avx2(s, job);
  }
#endif
  (void)path, (void)s, (void)job;
}

}  // namespace orbitmc::simd
