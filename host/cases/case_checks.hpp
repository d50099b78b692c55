// Up-front checks that a case which parses can also be run and analysed: numbers the chains'
// precision can hold, a reference density the quadrature can integrate over the bins, bins the
// coordinate can resolve, moments that cannot overflow, and a stiffness study whose κ the
// ambient step can take. Without them such a case runs to the end and then dies in the analysis
// ("quadrature failed", "counts sum to 0") without naming the field; with them it is refused
// before any sampling, as bad input (exit 2) naming the case file, the field and the value.
#pragma once

#include "cases/case_file.hpp"

namespace orbitmc {

// What one chain precision can hold, with headroom for the products a step forms (see
// case_checks.cpp for why each limit is what it is).
struct PrecisionLimits {
  const char* name;   // "float" or "double"
  double max_value;   // largest magnitude of a parameter (β, h, κ, 1/width², energies, forces)
  double min_value;   // smallest magnitude of a positive parameter (β, h)
  double max_length;  // largest σ-like length (σ0, target, init σ, bin edges): √max_value
  double min_length;  // smallest width (model.width, a bin): 1/√max_value
  double epsilon;     // relative spacing of the precision's numbers
  double largest;     // largest finite number of the precision (moments may go up to it)
};
PrecisionLimits precision_limits(bool use_double);

// The largest κ the stiffness study may re-run the matching ambient sampler `ambient` at (see
// case_checks.cpp: the penalty's normal mode is stable for h·κ·σ < 1 at the largest σ the
// case names, and κ up to the sampler's own is always allowed).
double max_study_kappa(const RunSpec& ambient);

// Throws InputError ("FILE.FIELD = VALUE: what is allowed") when the case, as it will run
// (after apply_overrides), cannot be analysed. Call after parsing and the command-line
// overrides, before any sampling.
void check_case_analysable(const CaseSpec& c);

}  // namespace orbitmc
