// Minimal RAII owner of a device allocation (plain cudaMalloc, no managed memory).
#pragma once

#include <cstddef>

#include "cuda_check.cuh"

namespace orbitmc {
namespace cuda {

template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t n = 0) { reset(n); }
  ~DeviceBuffer() {
    if (p_) cudaFree(p_);
  }
  // Frees the allocation and makes one of n elements (contents undefined).
  void reset(size_t n) {
    if (p_) cudaFree(p_);
    p_ = nullptr;
    n_ = 0;
    if (n > 0) ORBITMC_CUDA_CHECK(cudaMalloc(&p_, n * sizeof(T)));
    n_ = n;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return p_; }
  size_t size() const { return n_; }
  void upload(const T* h) {
    if (n_) ORBITMC_CUDA_CHECK(cudaMemcpy(p_, h, n_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  void download(T* h) const {
    if (n_) ORBITMC_CUDA_CHECK(cudaMemcpy(h, p_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
  }
  void zero() {
    if (n_) ORBITMC_CUDA_CHECK(cudaMemset(p_, 0, n_ * sizeof(T)));
  }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

}  // namespace cuda
}  // namespace orbitmc
