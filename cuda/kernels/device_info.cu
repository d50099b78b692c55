// Device discovery for backend selection.
#include <cuda_runtime.h>

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

}  // namespace cuda
}  // namespace orbitmc
