// Instantiates the chain kernel for every double model × sampler of the catalogue.
#include "advance_kernel.cuh"
#include "orbitmc/catalog.hpp"

namespace orbitmc {
namespace cuda {

#define ORBITMC_INSTANTIATE_ADVANCE(...)                                                         \
  template void advance<__VA_ARGS__>(const __VA_ARGS__&, const ObservationSpec<__VA_ARGS__::T>&, \
                                     const AdvanceArgs&);
#define ORBITMC_INSTANTIATE_MODEL(...) \
  ORBITMC_FOR_EACH_SAMPLER(ORBITMC_INSTANTIATE_ADVANCE, __VA_ARGS__)
ORBITMC_FOR_EACH_MODEL(ORBITMC_INSTANTIATE_MODEL, double)

}  // namespace cuda
}  // namespace orbitmc
