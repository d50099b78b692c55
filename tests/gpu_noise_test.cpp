// The device draws the host's noise (label gpu): Philox words bit for bit (the device build
// selects another mulhilo, philox_noise.hpp), and Box–Muller normals within the stated error of
// the device's fast angle (__sincosf: absolute error < 2^-21.4, times a radius < 6.7).
#include <gtest/gtest.h>

#include <cmath>

#include "gpu_support.hpp"
#include "orbitmc/philox_noise.hpp"
#if ORBITMC_HAVE_CUDA
#include "gpu_noise_kernels.hpp"
#endif

namespace orbitmc {
namespace {

TEST(GpuNoise, SameBitsAndNormalsAsTheHost) {
  ORBITMC_REQUIRE_GPU_OR_SKIP();
#if ORBITMC_HAVE_CUDA
  const uint32_t chains = 1u << 16;
  for (const uint64_t step : {uint64_t{0}, uint64_t{12345}, (uint64_t{1} << 40) + 7}) {
    const NoiseKey key{0x0123456789abcdefull};
    const auto dev = testing::device_noise(key.seed, kStreamLangevin, step, chains);
    uint64_t bit_mismatches = 0;
    double worst_f = 0, worst_d = 0;
    for (uint32_t i = 0; i < chains; ++i) {
      const auto b = philox_bits(key, kStreamLangevin, i, step, 0);
      float zf[4];
      double zd[4];
      normals<float, 4>(key, kStreamLangevin, i, step, zf);
      normals<double, 4>(key, kStreamLangevin, i, step, zd);
      for (int j = 0; j < 4; ++j) {
        bit_mismatches += b[j] != dev.bits[4 * i + j];
        worst_f = std::max(worst_f, std::fabs(double(zf[j]) - dev.normals_f[4 * i + j]));
        worst_d = std::max(worst_d, std::fabs(zd[j] - dev.normals_d[4 * i + j]));
      }
    }
    EXPECT_EQ(bit_mismatches, 0u) << "step " << step;
    EXPECT_LE(worst_f, 6.7 * std::ldexp(1.0, -21) + 1e-6) << "step " << step;
    EXPECT_LE(worst_d, 1e-13) << "step " << step;
  }
#endif
}

}  // namespace
}  // namespace orbitmc
