// The SIMD noise kernels against the scalar noise every backend uses: for each
// instruction set this build and CPU offer, the Philox words of every lane equal the scalar
// path's bit for bit, and the normals of every lane equal the scalar normals
// of that chain to float rounding (xsimd's log and sincos against the C library's), at several
// streams, steps, word counts and seeds whose key has both halves set; and ORBITMC_SIMD selects
// a kernel or the scalar path, refusing a name it does not offer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "backend/simd/simd_noise_dispatch.hpp"
#include "input_error.hpp"

namespace orbitmc {
namespace {

TEST(SimdNoise, EveryKernelGivesTheScalarNormalsLaneByLane) {
  const auto kernels = simd::available_noise_kernels();
#if ORBITMC_TEST_EXPECT_SIMD
  ASSERT_FALSE(kernels.empty()) << "xsimd was found at build time: SSE2 at least must be offered";
#endif
  for (const simd::NoiseKernel& k : kernels) {
    for (const NoiseKey key : {NoiseKey{1}, NoiseKey{0x9e3779b97f4a7c15ull}})
      for (const uint64_t step : {uint64_t{0}, uint64_t{77}, (uint64_t{3} << 32) + 5})
        for (const int d : {1, 4, 7, 13}) {
          std::vector<float> lanes(static_cast<size_t>(d) * k.lanes);
          const uint32_t first = 1000;
          k.normals(key, kStreamLangevin, first, step, d, lanes.data());
          for (size_t l = 0; l < k.lanes; ++l) {
            std::vector<float> scalar(d);
            normals(key, kStreamLangevin, first + static_cast<uint32_t>(l), step, d, scalar.data());
            for (int c = 0; c < d; ++c) {
              const float got = lanes[c * k.lanes + l], want = scalar[c];
              ASSERT_NEAR(got, want, 4e-7f * (1.f + std::fabs(want)))
                  << k.arch << " lane " << l << " component " << c << " step " << step;
            }
          }
        }
  }
}

TEST(SimdNoise, PhiloxWordsAreTheScalarPathsBitForBit) {
  if (simd::available_noise_kernels().empty()) GTEST_SKIP() << "no SIMD noise kernel here";
  for (const simd::NoiseKernel& k : simd::available_noise_kernels())
    for (const NoiseKey key : {NoiseKey{0}, NoiseKey{0xfedcba9876543210ull}})
      for (const uint64_t step : {uint64_t{0}, uint64_t{1} << 40})
        for (const uint32_t word : {0u, 5u, 0xffffffu}) {
          std::vector<uint32_t> lanes(4 * k.lanes);
          const uint32_t first = 0xfffffff0u;  // chain indices wrap past 2^32 - 1 within a group
          k.philox(key, kStreamBatch, first, step, word, lanes.data());
          for (size_t l = 0; l < k.lanes; ++l) {
            const auto b =
                philox_bits(key, kStreamBatch, first + static_cast<uint32_t>(l), step, word);
            for (int j = 0; j < 4; ++j)
              ASSERT_EQ(lanes[j * k.lanes + l], b[j]) << k.arch << " lane " << l << " word " << j;
          }
        }
}

TEST(SimdNoise, EnvironmentSelectsTheKernelOrTheScalarPath) {
  const auto kernels = simd::available_noise_kernels();
  ::setenv("ORBITMC_SIMD", "scalar", 1);
  EXPECT_EQ(simd::chosen_noise_kernel(), nullptr);
  for (const simd::NoiseKernel& k : kernels) {
    ::setenv("ORBITMC_SIMD", k.arch, 1);
    ASSERT_NE(simd::chosen_noise_kernel(), nullptr);
    EXPECT_STREQ(simd::chosen_noise_kernel()->arch, k.arch);
  }
  ::setenv("ORBITMC_SIMD", "neon9000", 1);
  EXPECT_THROW(simd::chosen_noise_kernel(), InputError);
  ::unsetenv("ORBITMC_SIMD");
  const simd::NoiseKernel* best = simd::chosen_noise_kernel();
  if (kernels.empty())
    EXPECT_EQ(best, nullptr);
  else
    EXPECT_STREQ(best->arch, kernels.front().arch);
}

}  // namespace
}  // namespace orbitmc
