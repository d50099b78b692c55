// The host side of a model: ModelInfo<M> is specialised once per model template M (in
// host/models/<model>_info.hpp) with its name, help text, whether its orbit-coordinate law has
// a closed form, its layout for a ModelSpec, its data set (generated on the host, in double)
// and the construction of the per-chain struct.
#pragma once

#include <vector>

#include "orbitmc/block_layout.hpp"
#include "run_spec.hpp"

namespace orbitmc {

template <template <class, class> class M>
struct ModelInfo;

}  // namespace orbitmc
