// A named phase of a run (set-up, reduction, report) for profilers: an NVTX range in CUDA
// builds, nothing otherwise. The kernels mark burn-in and sampling themselves.
#pragma once

#if ORBITMC_HAVE_CUDA
#include "kernels/run_chains.cuh"
#endif

namespace orbitmc {

class ProfileRange {
 public:
  explicit ProfileRange(const char* name) {
#if ORBITMC_HAVE_CUDA
    cuda::push_range(name);
#else
    (void)name;
#endif
  }
  ~ProfileRange() {
#if ORBITMC_HAVE_CUDA
    cuda::pop_range();
#endif
  }
  ProfileRange(const ProfileRange&) = delete;
  ProfileRange& operator=(const ProfileRange&) = delete;
};

}  // namespace orbitmc
