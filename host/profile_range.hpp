// A named phase of a run (set-up, reduction, report) for profilers: an NVTX range in CUDA
// builds, nothing otherwise. NVTX 3 is a header-only C API (no CUDA runtime header), so host
// code marks its phases directly; the kernels' drivers mark upload, burn-in, sampling and
// download themselves.
#pragma once

#if ORBITMC_HAVE_CUDA
#include <nvtx3/nvToolsExt.h>
#endif

namespace orbitmc {

class ProfileRange {
 public:
  explicit ProfileRange(const char* name) {
#if ORBITMC_HAVE_CUDA
    nvtxRangePushA(name);
#else
    (void)name;
#endif
  }
  ~ProfileRange() {
#if ORBITMC_HAVE_CUDA
    nvtxRangePop();
#endif
  }
  ProfileRange(const ProfileRange&) = delete;
  ProfileRange& operator=(const ProfileRange&) = delete;
};

}  // namespace orbitmc
