// The device draws the host's noise (label gpu): Philox words bit for bit (the device build
// selects another mulhilo, philox_noise.hpp), and Box–Muller normals within the error of the
// device's fast angle. Per pair (z0, z1) = r (sin φ, cos φ): |Δz| <= r·(2^-21.4 + 2^-24) for the
// angle (__sincosf against the host's sincosf) plus |z|·4·2^-24 for log, sqrt and the product
// (a few ulp, each side), in float; in double, 1e-13.
#include <gtest/gtest.h>

#include <cmath>

#include "gpu_support.hpp"
#include "orbitmc/core/philox_noise.hpp"
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
    uint64_t bit_mismatches = 0, float_outside = 0, double_outside = 0;
    for (uint32_t i = 0; i < chains; ++i) {
      const auto b = philox_bits(key, kStreamLangevin, i, step, 0);
      float zf[4];
      double zd[4];
      normals<float, 4>(key, kStreamLangevin, i, step, zf);
      normals<double, 4>(key, kStreamLangevin, i, step, zd);
      for (int j = 0; j < 4; ++j) {
        bit_mismatches += b[j] != dev.bits[4 * i + j];
        const double r = std::hypot(double(zf[j & ~1]), double(zf[j | 1]));
        const double tol_f =
            r * (std::ldexp(1.0, -21) * 0.76 + std::ldexp(1.0, -24)) +  // 2^-21.4 < 0.76·2^-21
            std::fabs(double(zf[j])) * 4 * std::ldexp(1.0, -24);
        // Written as !(d <= tol) so that a NaN from the device counts as outside.
        float_outside += !(std::fabs(double(zf[j]) - dev.normals_f[4 * i + j]) <= tol_f);
        double_outside += !(std::fabs(zd[j] - dev.normals_d[4 * i + j]) <= 1e-13);
      }
    }
    EXPECT_EQ(bit_mismatches, 0u) << "step " << step;
    EXPECT_EQ(float_outside, 0u) << "step " << step;
    EXPECT_EQ(double_outside, 0u) << "step " << step;
  }
#else
  FAIL() << "a usable GPU, but this test was built without ORBITMC_HAVE_CUDA: nothing compared";
#endif
}

}  // namespace
}  // namespace orbitmc
