// Tests written once and instantiated per backend: the CPU instance (instantiation name `Cpu`)
// and the CUDA one (`Gpu`, so CTest gives it the label `gpu`). The CUDA instance skips without
// a device, and fails instead when ORBITMC_REQUIRE_GPU=1.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "backend/backend.hpp"
#include "gpu_support.hpp"

namespace orbitmc::testing {

enum class BackendKind { kCpu, kCuda };

inline const char* backend_flag(BackendKind k) { return k == BackendKind::kCuda ? "cuda" : "cpu"; }

inline std::unique_ptr<Backend> make_test_backend(BackendKind k) {
  return k == BackendKind::kCuda ? make_cuda_backend() : make_cpu_backend();
}

// Test-name suffix of a per-backend instance: "cpu" or "cuda".
struct BackendName {
  std::string operator()(const ::testing::TestParamInfo<BackendKind>& i) const {
    return backend_flag(i.param);
  }
};

}  // namespace orbitmc::testing

// Skips (or fails, see gpu_support.hpp) a CUDA instance when no device is usable.
#define ORBITMC_SKIP_UNLESS_BACKEND_USABLE(kind)                                         \
  do {                                                                                   \
    if ((kind) == ::orbitmc::testing::BackendKind::kCuda) ORBITMC_REQUIRE_GPU_OR_SKIP(); \
  } while (0)

// Instantiates the value-parameterised suite `Suite` (parameter BackendKind) for both backends.
#define ORBITMC_INSTANTIATE_PER_BACKEND(Suite)                                                    \
  INSTANTIATE_TEST_SUITE_P(Cpu, Suite, ::testing::Values(::orbitmc::testing::BackendKind::kCpu),  \
                           ::orbitmc::testing::BackendName{});                                    \
  INSTANTIATE_TEST_SUITE_P(Gpu, Suite, ::testing::Values(::orbitmc::testing::BackendKind::kCuda), \
                           ::orbitmc::testing::BackendName{})
