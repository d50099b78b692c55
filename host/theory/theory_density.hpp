// The theory's density of the observed orbit coordinate for a closed-form model (THEORY §4),
// as used by theory cases, their studies and their checks.
#pragma once

#include <functional>

#include "ensemble/run_spec.hpp"

namespace orbitmc {

// Unnormalised log density of the observed coordinate as a function of (x, c): exp(−βℓ(x)) times
// the power of x that the block sizes and the correction scale c give.
std::function<double(double, double)> theory_log_density(const RunSpec& spec);

}  // namespace orbitmc
