// The compiled-in catalogue: every (model, size) the backends can run. Models are templates on
// their sizes (so chains live in registers), and this list is the single place that says which
// sizes exist. The host dispatch and the CUDA instantiations both expand it, so a model added
// here is available on every backend.
#pragma once

#include "models/block_sigma.hpp"
#include "models/matfac.hpp"
#include "models/relu.hpp"
#include "models/scalar.hpp"
#include "samplers/ambient_langevin.hpp"
#include "samplers/constrained_metropolis.hpp"
#include "samplers/constrained_projection.hpp"
#include "samplers/noise_ceiling.hpp"

// X(model type) for every model instantiation with scalar type T.
#define ORBITMC_FOR_EACH_MODEL(X, T)     \
  X(::orbitmc::BlockSigmaModel<T, 1, 1>) \
  X(::orbitmc::BlockSigmaModel<T, 1, 2>) \
  X(::orbitmc::BlockSigmaModel<T, 1, 3>) \
  X(::orbitmc::BlockSigmaModel<T, 2, 2>) \
  X(::orbitmc::BlockSigmaModel<T, 2, 3>) \
  X(::orbitmc::BlockSigmaModel<T, 3, 3>) \
  X(::orbitmc::ScalarModel<T>)           \
  X(::orbitmc::ReluModel<T, 3, 3, 8>)    \
  X(::orbitmc::MatfacModel<T, 3, 3, 2>)

// X(sampler type) for every sampler over model type M (passed as variadic arguments).
#define ORBITMC_FOR_EACH_SAMPLER(X, ...)           \
  X(::orbitmc::AmbientEM<__VA_ARGS__>)             \
  X(::orbitmc::AmbientLM<__VA_ARGS__>)             \
  X(::orbitmc::AmbientMALA<__VA_ARGS__>)           \
  X(::orbitmc::ConstrainedProjection<__VA_ARGS__>) \
  X(::orbitmc::ConstrainedMetropolis<__VA_ARGS__>) \
  X(::orbitmc::NoiseCeiling<__VA_ARGS__>)
