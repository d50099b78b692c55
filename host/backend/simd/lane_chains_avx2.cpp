// The vector path for AVX2 with FMA (8 float lanes): run_lanes instantiated for every sampler
// over every model of the catalogue, float chains. Compiled with that instruction set alone
// (see host/CMakeLists.txt) and called only after a run-time check of the CPU.
#include "backend/simd/lane_instances.hpp"

namespace orbitmc::simd {

template <class S>
void run_lanes_avx2(const S& s, const LaneJob& job) {
  run_lanes<xsimd::avx2>(s, job);
}

#define ORBITMC_LANE_ARCH_FN run_lanes_avx2
ORBITMC_INSTANTIATE_LANES()
#undef ORBITMC_LANE_ARCH_FN

}  // namespace orbitmc::simd
