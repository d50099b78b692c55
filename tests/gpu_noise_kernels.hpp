// Test-only device entry points (tests/gpu_noise_kernels.cu, built when CUDA is on): the noise
// functions of orbitmc/core/philox_noise.hpp evaluated on the GPU, for comparison with the host.
#pragma once

#include <cstdint>
#include <vector>

namespace orbitmc::testing {

// For chains 0..chains-1 at (seed, stream, step): the 4 Philox words of word index 0, and the
// first 4 normals, in float and in double (each chains × 4, chain-major).
struct DeviceNoise {
  std::vector<uint32_t> bits;
  std::vector<float> normals_f;
  std::vector<double> normals_d;
};
DeviceNoise device_noise(uint64_t seed, uint32_t stream, uint64_t step, uint32_t chains);

}  // namespace orbitmc::testing
