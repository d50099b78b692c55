// Test-only kernel: the shared noise functions run on the device (see gpu_noise_kernels.hpp).
#include <cuda_runtime.h>

#include "gpu_noise_kernels.hpp"
#include "kernels/device_buffer.cuh"
#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc::testing {
namespace {

__global__ void noise_kernel(NoiseKey key, uint32_t stream, uint64_t step, uint32_t chains,
                             uint32_t* bits, float* nf, double* nd) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= chains) return;
  const auto b = philox_bits(key, stream, i, step, 0);
  float zf[4];
  double zd[4];
  normals<float, 4>(key, stream, i, step, zf);
  normals<double, 4>(key, stream, i, step, zd);
  for (int j = 0; j < 4; ++j) {
    bits[4 * i + j] = b[j];
    nf[4 * i + j] = zf[j];
    nd[4 * i + j] = zd[j];
  }
}

}  // namespace

DeviceNoise device_noise(uint64_t seed, uint32_t stream, uint64_t step, uint32_t chains) {
  DeviceNoise out;
  out.bits.resize(4 * size_t{chains});
  out.normals_f.resize(4 * size_t{chains});
  out.normals_d.resize(4 * size_t{chains});
  cuda::DeviceBuffer<uint32_t> bits(out.bits.size());
  cuda::DeviceBuffer<float> nf(out.normals_f.size());
  cuda::DeviceBuffer<double> nd(out.normals_d.size());
  noise_kernel<<<(chains + 255) / 256, 256>>>(NoiseKey{seed}, stream, step, chains, bits.get(),
                                              nf.get(), nd.get());
  ORBITMC_CUDA_CHECK(cudaGetLastError());
  bits.download(out.bits.data());
  nf.download(out.normals_f.data());
  nd.download(out.normals_d.data());
  return out;
}

}  // namespace orbitmc::testing
