// The whole state of an ensemble between segments of a run: positions, counters, per-chain
// split moments and the pooled histograms. Backend-neutral (positions are stored as double,
// which holds float states exactly), so a run can be checkpointed, resumed or moved between
// backends.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "orbitmc/core/chain_state.hpp"
#include "orbitmc/core/observation.hpp"

namespace orbitmc {

struct EnsembleState {
  uint64_t chains = 0;
  // Global index of the first chain held here: 0, or a rank's range under MPI (parallel/).
  uint64_t first_chain = 0;
  int dim = 0;
  int observed = 0;
  uint64_t next_step = 0;               // steps already taken by every chain
  std::vector<double> x;                // chains × dim
  std::vector<ChainCounters> counters;  // chains
  // chains × observed × 6: n[2], mean[2], m2[2] of SplitMoments per observed coordinate
  std::vector<double> moments;
  // per observed coordinate: bins + 2 counts (bin 0..bins-1, then underflow, overflow)
  std::vector<std::vector<uint64_t>> pooled;

  // A newer copy of the ensemble on a device, owned by the backend that made it (opaque here).
  // While host_current is false the arrays above are behind it: Backend::sync() (or
  // Backend::advance(), which ends with it) brings them up to date.
  std::shared_ptr<void> device;
  bool host_current = true;

  bool initialised() const { return !x.empty(); }
  static constexpr int kMomentWords = orbitmc::kMomentWords;
};

}  // namespace orbitmc
