// NVTX ranges for Nsight Systems, callable from host code that includes no CUDA header
// (declared in run_chains.cuh; host code uses host/profile_range.hpp).
#include <nvtx3/nvToolsExt.h>

#include "run_chains.cuh"

namespace orbitmc {
namespace cuda {

void push_range(const char* name) { nvtxRangePushA(name); }
void pop_range() { nvtxRangePop(); }

}  // namespace cuda
}  // namespace orbitmc
