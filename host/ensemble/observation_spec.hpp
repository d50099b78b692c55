// The per-chain observation settings (which coordinates, which bins) of a RunSpec, in the
// scalar type of the chains; shared by both backends so they bin identically.
#pragma once

#include "ensemble/run_spec.hpp"
#include "orbitmc/core/observation.hpp"

namespace orbitmc {

template <class T>
ObservationSpec<T> make_observation_spec(const RunSpec& spec) {
  ObservationSpec<T> obs{};
  obs.count = static_cast<int>(spec.observe.size());
  for (int k = 0; k < obs.count; ++k) {
    obs.bin[k].coord = spec.observe[k].coord;
    obs.bin[k].bins = spec.observe[k].bins;
    obs.bin[k].lo = static_cast<T>(spec.observe[k].lo);
    obs.bin[k].hi = static_cast<T>(spec.observe[k].hi);
  }
  return obs;
}

}  // namespace orbitmc
