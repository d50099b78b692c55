// Explicit instantiations of the chain driver for every model × sampler of the catalogue with
// scalar type ORBITMC_SCALAR: the compiled-in sizes (register path) and every model at run-time
// sizes (general path). Each run_chains_<type>.cu defines it and includes this file once (one
// translation unit per precision, so the two compile in parallel).
#include "advance_kernel.cuh"
#include "orbitmc/catalog.hpp"

#ifndef ORBITMC_SCALAR
#error "define ORBITMC_SCALAR (float or double) before including instantiate_catalogue.cuh"
#endif

namespace orbitmc {
namespace cuda {

#define ORBITMC_INSTANTIATE_ADVANCE(...)                                                         \
  template void advance<__VA_ARGS__>(const __VA_ARGS__&, const std::vector<__VA_ARGS__::T>&,     \
                                     const ObservationSpec<__VA_ARGS__::T>&, const AdvanceArgs&, \
                                     std::shared_ptr<void>&);
#define ORBITMC_INSTANTIATE_MODEL(...) \
  ORBITMC_FOR_EACH_SAMPLER(ORBITMC_INSTANTIATE_ADVANCE, __VA_ARGS__)
#define ORBITMC_INSTANTIATE_GENERAL(...) \
  ORBITMC_INSTANTIATE_MODEL(__VA_ARGS__<ORBITMC_SCALAR, ::orbitmc::RuntimeLayout>)
ORBITMC_FOR_EACH_FIXED_MODEL(ORBITMC_INSTANTIATE_MODEL, ORBITMC_SCALAR)
ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_INSTANTIATE_GENERAL)

}  // namespace cuda
}  // namespace orbitmc
