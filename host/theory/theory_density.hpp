// The theory's density of the observed orbit coordinate for a closed-form model (THEORY §4),
// as used by theory cases, their studies and their checks; and the law a given sampler samples
// exactly, which for an ambient sampler of a two-factor block is the stiff law at its own κ.
#pragma once

#include <functional>
#include <vector>

#include "ensemble/run_spec.hpp"

namespace orbitmc {

// Unnormalised log density of the observed coordinate as a function of (x, c): exp(−βℓ(x)) times
// the power of x that the block sizes and the correction scale c give.
std::function<double(double, double)> theory_log_density(const RunSpec& spec);

// Whether the sampler of `spec` has its own exact law at finite κ (docs/THEORY.md §4, "The
// ambient law at finite κ"): an ambient sampler (κ > 0) of a closed-form two-factor block.
bool has_stiff_law(const RunSpec& spec);

// The family (x, c) a sampler's samples are tested and fitted in: the stiff law at the
// sampler's κ (c = 1 is that law; c shifts the power of x as in the theory's family) where
// has_stiff_law, else theory_log_density. Not safe to call from several threads at once.
std::function<double(double, double)> sampler_log_density(const RunSpec& spec);

// The probability of each bin of the window h under a family's law (c = 1), normalised over the
// window: the reference a histogram of that window is tested against.
std::vector<double> law_bin_probabilities(const std::function<double(double, double)>& family,
                                          const HistogramSpec& h);

}  // namespace orbitmc
