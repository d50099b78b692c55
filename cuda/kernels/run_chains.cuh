// Thin driver between host code and the CUDA kernels: plain functions over host arrays and
// POD parameter structs. Includes no CUDA header, so host code may include it; the kernels
// live in the .cu files, instantiated for every sampler of orbitmc/catalog.hpp.
//
// The ensemble stays on the device for a whole run: advance() uploads it (and the model's data
// set) only when the handle holds no copy of this state at this step, runs the kernels, and
// leaves the result on the device; download() brings it to the host arrays (at checkpoints and
// at the end).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/core/observation.hpp"
#include "orbitmc/core/philox_noise.hpp"

namespace orbitmc {
namespace cuda {

// Host-side arrays of an ensemble (layout of EnsembleState) and what to run.
struct AdvanceArgs {
  uint64_t chains = 0;
  uint64_t first_chain = 0;  // global index of chain 0 (a rank's range under MPI): its noise
  int dim = 0;
  uint64_t n0 = 0, n1 = 0;  // steps [n0, n1); n0 == 0 initialises the chains first
  Schedule schedule;
  NoiseKey key{0};
  double init_sigma_lo = 0.5, init_sigma_hi = 1.5;
  const void* owner = nullptr;          // the host state the device copy belongs to
  bool host_current = true;             // false: the host arrays are behind the device copy
  double* x = nullptr;                  // chains × dim
  ChainCounters* counters = nullptr;    // chains
  double* moments = nullptr;            // chains × observed × 6
  uint64_t* pooled[kMaxObserved] = {};  // per observed coordinate: bins + 2 counts (accumulated)
  double* kernel_seconds = nullptr;     // out (optional): device time of the chain kernels
};

// Number of CUDA devices, or 0 with the reason in *why.
int device_count(std::string* why);

// Makes device `index % device_count` current (a rank's GPU under MPI: its rank on the node).
void use_device(int index);

// Free and total memory of the current device, in bytes.
void device_memory(uint64_t* free_bytes, uint64_t* total_bytes);

// Advances every chain with sampler S (instantiated for the catalogue in run_chains_*.cu). The
// sampler's model reads `data` (uploaded once per run; its host pointer is replaced). `device`
// is the handle of the device copy (empty: none yet); the result stays there.
template <class S>
void advance(const S& sampler, const std::vector<typename S::T>& data,
             const ObservationSpec<typename S::T>& obs, const AdvanceArgs& args,
             std::shared_ptr<void>& device);

// Copies the device state of `device` into the host arrays of args (positions, moments,
// counters) and adds the histogram counts gathered since the last download to args.pooled.
// args.owner and args.n1 (the state's next step) must be those of the copy (else logic_error).
void download(const std::shared_ptr<void>& device, const AdvanceArgs& args);

}  // namespace cuda
}  // namespace orbitmc
