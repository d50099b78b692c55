// Kolmogorov distribution for the KS tests. Boost.Math 1.74 has no KS distribution, so the
// asymptotic survival function is implemented here.
#pragma once

namespace orbitmc::analysis {

// Q_KS(λ) = P(√n D > λ) in the large-n limit: 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²).
// Returns 1 for λ <= 0. Throws std::invalid_argument for NaN.
double kolmogorov_q(double lambda);

// p-value of a KS distance `d` with (effective) sample size `n`, using the usual small-sample
// correction λ = (√n + 0.12 + 0.11/√n)·D (Stephens 1970; Numerical Recipes).
double ks_p_value(double d, double n);

}  // namespace orbitmc::analysis
