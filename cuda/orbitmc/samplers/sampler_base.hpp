// The members every sampler has: its model, its parameters, the scalar type, and a begin()
// that rebuilds nothing. A sampler that carries state from one step to the next (LM's R_n,
// MALA's V(x) and ∇V(x)) declares its own begin(), which the chain loops call before the first
// step of every run of steps; the others inherit this one.
//
// A sampler's registration is its own: kKind, kName, kHelp, and the traits kConstrained (moves
// on the slice, reads c rather than kappa) and kExact (unbiased for any step, so --refine does
// not apply), and kSamplesALaw (false only for the benchmark's noise ceiling, which the
// statistical suites leave out). Derived templates name the base's members with using-declarations,
// since members of a dependent base are not found by unqualified lookup.
#pragma once

#include <cstdint>

#include "../core/host_device.hpp"
#include "../core/philox_noise.hpp"
#include "sampler_params.hpp"

namespace orbitmc {

template <class Model>
struct SamplerBase {
  using T = typename Model::Scalar;
  static constexpr bool kSamplesALaw = true;
  Model model;
  SamplerParams<T> p;

  template <class W, class Id>
  ORBITMC_HD void begin(W&, NoiseKey, Id, uint64_t) const {}
};

}  // namespace orbitmc
