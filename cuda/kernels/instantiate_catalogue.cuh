// Explicit instantiations of the chain driver for every model × sampler of the catalogue with
// scalar type ORBITMC_SCALAR; each run_chains_<type>.cu defines it and includes this file once
// (one translation unit per precision, so the two compile in parallel).
#include "advance_kernel.cuh"
#include "orbitmc/catalog.hpp"

#ifndef ORBITMC_SCALAR
#error "define ORBITMC_SCALAR (float or double) before including instantiate_catalogue.cuh"
#endif

namespace orbitmc {
namespace cuda {

#define ORBITMC_INSTANTIATE_ADVANCE(...)                                                         \
  template void advance<__VA_ARGS__>(const __VA_ARGS__&, const ObservationSpec<__VA_ARGS__::T>&, \
                                     const AdvanceArgs&);
#define ORBITMC_INSTANTIATE_MODEL(...) \
  ORBITMC_FOR_EACH_SAMPLER(ORBITMC_INSTANTIATE_ADVANCE, __VA_ARGS__)
ORBITMC_FOR_EACH_MODEL(ORBITMC_INSTANTIATE_MODEL, ORBITMC_SCALAR)

}  // namespace cuda
}  // namespace orbitmc
