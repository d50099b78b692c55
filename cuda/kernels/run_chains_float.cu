// Chain kernels for every float model x sampler of the catalogue.
#define ORBITMC_SCALAR float
#include "instantiate_catalogue.cuh"
