// The catalogue: every model and sampler, and the sizes compiled in as an optimisation.
//
// ORBITMC_FOR_EACH_MODEL_TEMPLATE is the one registration line per model: the general path
// instantiates each model at run-time sizes (any size runs), and the host finds its name, help
// and data set in ModelInfo<M> (host/models/). ORBITMC_FOR_EACH_FIXED_MODEL lists sizes compiled
// into the register path (sizes are constants, chains live in registers: faster, chosen
// automatically when a run's sizes match). Both backends and the CUDA instantiations expand
// these lists, so an entry added here runs everywhere.
#pragma once

#include "models/attention.hpp"
#include "models/block_sigma.hpp"
#include "models/hadamard.hpp"
#include "models/matfac.hpp"
#include "models/relu.hpp"
#include "models/scalar.hpp"
#include "samplers/ambient_langevin.hpp"
#include "samplers/constrained_metropolis.hpp"
#include "samplers/constrained_projection.hpp"
#include "samplers/noise_ceiling.hpp"

// X(model template) for every model; the general path is M<T, RuntimeLayout> of each.
#define ORBITMC_FOR_EACH_MODEL_TEMPLATE(X) \
  X(::orbitmc::BlockSigmaModel)            \
  X(::orbitmc::ScalarModel)                \
  X(::orbitmc::ReluModel)                  \
  X(::orbitmc::MatfacModel)                \
  X(::orbitmc::HadamardModel)              \
  X(::orbitmc::AttentionModel)

// X(model type) for every size compiled into the register path with scalar type T.
#define ORBITMC_FOR_EACH_FIXED_MODEL(X, T)                          \
  X(::orbitmc::BlockSigmaModel<T, ::orbitmc::FixedLayout<1, 1, 1>>) \
  X(::orbitmc::BlockSigmaModel<T, ::orbitmc::FixedLayout<1, 1, 2>>) \
  X(::orbitmc::BlockSigmaModel<T, ::orbitmc::FixedLayout<1, 1, 3>>) \
  X(::orbitmc::BlockSigmaModel<T, ::orbitmc::FixedLayout<1, 2, 2>>) \
  X(::orbitmc::BlockSigmaModel<T, ::orbitmc::FixedLayout<1, 2, 3>>) \
  X(::orbitmc::BlockSigmaModel<T, ::orbitmc::FixedLayout<1, 3, 3>>) \
  X(::orbitmc::ScalarModel<T, ::orbitmc::FixedLayout<1, 1, 1>>)     \
  X(::orbitmc::ReluModel<T, ::orbitmc::FixedLayout<3, 1, 3>>)       \
  X(::orbitmc::MatfacModel<T, ::orbitmc::FixedLayout<2, 3, 3>>)

// X(sampler type) for every sampler over model type M (passed as variadic arguments).
#define ORBITMC_FOR_EACH_SAMPLER(X, ...)           \
  X(::orbitmc::AmbientEM<__VA_ARGS__>)             \
  X(::orbitmc::AmbientLM<__VA_ARGS__>)             \
  X(::orbitmc::AmbientMALA<__VA_ARGS__>)           \
  X(::orbitmc::ConstrainedProjection<__VA_ARGS__>) \
  X(::orbitmc::ConstrainedMetropolis<__VA_ARGS__>) \
  X(::orbitmc::NoiseCeiling<__VA_ARGS__>)
