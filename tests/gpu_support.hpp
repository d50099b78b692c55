// The rule for GPU tests: skip when no CUDA device is usable, but fail instead when
// ORBITMC_REQUIRE_GPU=1, so a GPU machine can never pass by skipping silently.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "backend/backend.hpp"

#define ORBITMC_REQUIRE_GPU_OR_SKIP()                                \
  do {                                                               \
    std::string orbitmc_why_;                                        \
    if (!::orbitmc::cuda_usable(&orbitmc_why_)) {                    \
      const char* orbitmc_req_ = std::getenv("ORBITMC_REQUIRE_GPU"); \
      if (orbitmc_req_ && std::string(orbitmc_req_) == "1")          \
        FAIL() << "ORBITMC_REQUIRE_GPU=1 but " << orbitmc_why_;      \
      GTEST_SKIP() << orbitmc_why_;                                  \
    }                                                                \
  } while (0)
