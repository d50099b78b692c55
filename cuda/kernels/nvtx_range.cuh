// An NVTX range that is popped on every path out of its scope, exceptions included (a CUDA
// error throws from the drivers); end() closes it early.
#pragma once

#include <nvtx3/nvToolsExt.h>

namespace orbitmc {
namespace cuda {

class NvtxRange {
 public:
  explicit NvtxRange(const char* name) { nvtxRangePushA(name); }
  ~NvtxRange() { end(); }
  void end() {
    if (open_) nvtxRangePop();
    open_ = false;
  }
  NvtxRange(const NvtxRange&) = delete;
  NvtxRange& operator=(const NvtxRange&) = delete;

 private:
  bool open_ = true;
};

}  // namespace cuda
}  // namespace orbitmc
