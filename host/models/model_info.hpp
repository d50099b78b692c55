// The host side of a model: ModelInfo<M> is specialised once per model template M (in
// host/models/<model>_info.hpp) with its name, help text, whether its orbit-coordinate law has
// a closed form, its layout for a ModelSpec, its data set (generated on the host, in double)
// and the construction of the per-chain struct.
#pragma once

#include <functional>
#include <vector>

#include "models/model_spec.hpp"
#include "orbitmc/core/block_layout.hpp"

namespace orbitmc {

template <template <class, class> class M>
struct ModelInfo;

// What a closed-form model (kClosedForm) tells the theory (THEORY §4): its loss depends on one
// rank-one block (n, m) only through the orbit coordinate, loss(σ).
struct ClosedFormLaw {
  int n = 1, m = 1;
  std::function<double(double)> loss;
};

}  // namespace orbitmc
