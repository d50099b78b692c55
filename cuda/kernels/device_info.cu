// Device discovery for backend selection, and the device's memory for the size check.
#include <cuda_runtime.h>

#include "cuda_check.cuh"
#include "run_chains.cuh"

namespace orbitmc {
namespace cuda {

int device_count(std::string* why) {
  int n = 0;
  const cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    if (why) *why = std::string("no usable CUDA device: ") + cudaGetErrorString(err);
    cudaGetLastError();  // clear the sticky error of a failed probe
    return 0;
  }
  if (n == 0 && why) *why = "no CUDA device present";
  return n;
}

void use_device(int index) {
  int n = 0;
  ORBITMC_CUDA_CHECK(cudaGetDeviceCount(&n));
  if (n > 0) ORBITMC_CUDA_CHECK(cudaSetDevice(index % n));
}

void device_memory(uint64_t* free_bytes, uint64_t* total_bytes) {
  size_t f = 0, t = 0;
  ORBITMC_CUDA_CHECK(cudaMemGetInfo(&f, &t));
  *free_bytes = f;
  *total_bytes = t;
}

}  // namespace cuda
}  // namespace orbitmc
