// Test-only: the vector path's chain loop (backend/simd/lane_runner.hpp) over the reference
// two-gradient MALA (mala_reference.hpp), for AVX-512, compiled with the options of
// backend/simd/lane_chains_avx512.cpp (tests/CMakeLists.txt). How this copy contracts a·b + c
// follows how it is inlined here, so the test compares it to the library's to rounding. Every
// symbol it defines carries the instruction set's name (test simd_symbols_test_lanes).
#include "backend/simd/lane_runner.hpp"
#include "mala_reference.hpp"

namespace orbitmc::simd {

template <class S>
void run_lanes_avx512(const S& s, const LaneJob& job) {
  run_lanes<xsimd::avx512bw>(s, job);
}

#define ORBITMC_TEST_LANE_INSTANCE(...)                                                      \
  template void run_lanes_avx512<::orbitmc::testing::ReferenceTwoGradientMALA<__VA_ARGS__>>( \
      const ::orbitmc::testing::ReferenceTwoGradientMALA<__VA_ARGS__>&, const LaneJob&);
ORBITMC_TEST_MALA_LANE_MODELS(ORBITMC_TEST_LANE_INSTANCE)
#undef ORBITMC_TEST_LANE_INSTANCE

}  // namespace orbitmc::simd
