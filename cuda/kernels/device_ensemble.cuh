// The device copy of an ensemble between kernel launches: positions, moments, counters, the
// histogram counts not yet downloaded, the model's data set and the general path's scratch.
// Arrays are structure-of-arrays (component k of chain i at k·chains + i) so that a warp's
// accesses coalesce. Owned through the opaque handle of run_chains.cuh.
#pragma once

#include <cstdint>

#include "device_buffer.cuh"
#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/core/observation.hpp"

namespace orbitmc {
namespace cuda {

struct HistLayout {
  int offset[kMaxObserved];  // first slot of each observed coordinate
  int slots;                 // total slots (a separate field: indexing offset[] with the run-time
                             // count would move the struct to local memory)
};

struct DeviceEnsemble {
  const void* owner = nullptr;  // the host state this copy belongs to
  int word_bytes = 0;           // sizeof(T) of the chains
  uint64_t chains = 0;
  int dim = 0;
  int nobs = 0;
  int bins[kMaxObserved] = {};
  uint64_t step = 0;  // steps the device copy has taken
  HistLayout hist_layout{};
  DeviceBuffer<unsigned char> x, moments, data, work;
  DeviceBuffer<ChainCounters> counters;
  DeviceBuffer<unsigned long long> hist;
};

}  // namespace cuda
}  // namespace orbitmc
