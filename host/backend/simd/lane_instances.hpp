// Explicit instantiations of a vector path's entry point for every sampler over every model of
// the catalogue (float chains): the register-path sizes and each model at run-time sizes. The
// including file defines ORBITMC_LANE_ARCH_FN, the entry point's name for its instruction set.
#pragma once

#include "backend/simd/lane_runner.hpp"
#include "orbitmc/catalog.hpp"

#define ORBITMC_LANE_INSTANCE(...) \
  template void ORBITMC_LANE_ARCH_FN<__VA_ARGS__>(const __VA_ARGS__&, const LaneJob&);
#define ORBITMC_LANE_MODEL(...) ORBITMC_FOR_EACH_SAMPLER(ORBITMC_LANE_INSTANCE, __VA_ARGS__)
#define ORBITMC_LANE_TEMPLATE(M) ORBITMC_LANE_MODEL(M<float, ::orbitmc::RuntimeLayout>)
#define ORBITMC_INSTANTIATE_LANES()                       \
  ORBITMC_FOR_EACH_FIXED_MODEL(ORBITMC_LANE_MODEL, float) \
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_LANE_TEMPLATE)
