// Device time of the kernels launched between start() and seconds(), by a pair of CUDA events
// on the default stream (what the benchmarks report as compute time, without transfers).
#pragma once

#include "cuda_check.cuh"

namespace orbitmc {
namespace cuda {

class KernelTimer {
 public:
  KernelTimer() {
    ORBITMC_CUDA_CHECK(cudaEventCreate(&start_));
    ORBITMC_CUDA_CHECK(cudaEventCreate(&stop_));
    ORBITMC_CUDA_CHECK(cudaEventRecord(start_));
  }
  ~KernelTimer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  KernelTimer(const KernelTimer&) = delete;
  KernelTimer& operator=(const KernelTimer&) = delete;
  // Waits for the kernels launched since construction; their device time in seconds.
  double seconds() {
    ORBITMC_CUDA_CHECK(cudaEventRecord(stop_));
    ORBITMC_CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0;
    ORBITMC_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return 1e-3 * ms;
  }

 private:
  cudaEvent_t start_, stop_;
};

}  // namespace cuda
}  // namespace orbitmc
