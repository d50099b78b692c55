// Test-only kernel: the shared noise functions run on the device (see gpu_noise_kernels.hpp).
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "gpu_noise_kernels.hpp"
#include "orbitmc/philox_noise.hpp"

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

void check(cudaError_t e) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("CUDA: ") + cudaGetErrorString(e));
}

}  // namespace

DeviceNoise device_noise(uint64_t seed, uint32_t stream, uint64_t step, uint32_t chains) {
  DeviceNoise out;
  out.bits.resize(4 * chains);
  out.normals_f.resize(4 * chains);
  out.normals_d.resize(4 * chains);
  uint32_t* bits = nullptr;
  float* nf = nullptr;
  double* nd = nullptr;
  check(cudaMalloc(&bits, 4 * chains * sizeof(uint32_t)));
  check(cudaMalloc(&nf, 4 * chains * sizeof(float)));
  check(cudaMalloc(&nd, 4 * chains * sizeof(double)));
  noise_kernel<<<(chains + 255) / 256, 256>>>(NoiseKey{seed}, stream, step, chains, bits, nf, nd);
  check(cudaGetLastError());
  check(cudaMemcpy(out.bits.data(), bits, 4 * chains * sizeof(uint32_t), cudaMemcpyDeviceToHost));
  check(cudaMemcpy(out.normals_f.data(), nf, 4 * chains * sizeof(float), cudaMemcpyDeviceToHost));
  check(cudaMemcpy(out.normals_d.data(), nd, 4 * chains * sizeof(double), cudaMemcpyDeviceToHost));
  cudaFree(bits);
  cudaFree(nf);
  cudaFree(nd);
  return out;
}

}  // namespace orbitmc::testing
