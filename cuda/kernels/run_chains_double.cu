// Chain kernels for every double model x sampler of the catalogue.
#define ORBITMC_SCALAR double
#include "instantiate_catalogue.cuh"
