// CUDA error checking for the drivers: every runtime call goes through ORBITMC_CUDA_CHECK,
// which throws std::runtime_error naming the call, file and line (never exit()).
#pragma once

#include <cuda_runtime.h>

#include <sstream>
#include <stdexcept>

#define ORBITMC_CUDA_CHECK(call)                                                                 \
  do {                                                                                           \
    const cudaError_t orbitmc_err_ = (call);                                                     \
    if (orbitmc_err_ != cudaSuccess) {                                                           \
      std::ostringstream orbitmc_os_;                                                            \
      orbitmc_os_ << "CUDA error " << cudaGetErrorName(orbitmc_err_) << " ("                     \
                  << cudaGetErrorString(orbitmc_err_) << ") in " #call " at " << __FILE__ << ":" \
                  << __LINE__;                                                                   \
      throw std::runtime_error(orbitmc_os_.str());                                               \
    }                                                                                            \
  } while (0)
