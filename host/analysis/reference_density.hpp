// Reference log densities of the scale coordinate σ = |u|·|v| of a rank-one block (THEORY §4),
// the targets the sampler's σ histograms are tested against.
#pragma once

#include <functional>

namespace orbitmc::analysis {

// Unnormalised log density of σ for a block (n, m) with loss ℓ, inverse temperature β and
// correction scale c:  −β ℓ(σ) + ((n + m − 3)/2 − c/2) · log σ.
// c = 1 is the conditional measure μ_S (corrected sampler, ambient κ → ∞); c = 0 is the
// uncorrected constrained sampler. At σ = 0 returns −inf, −βℓ(0) or +inf according to the sign
// of the exponent. Throws std::invalid_argument for σ < 0 or non-finite, n or m < 1, β < 0 or
// non-finite, c non-finite, or an empty loss.
double log_sigma_density(double sigma, double beta, const std::function<double(double)>& loss,
                         int n, int m, double c);

// The power of σ in that density, (n + m − 3)/2 − c/2, for callers that need it separately.
double sigma_exponent(int n, int m, double c);

// −β ℓ(σ) + exponent · log σ, the form of every law of σ (two or L factors); `who` names the
// caller in the std::invalid_argument thrown for σ < 0 or non-finite, β < 0 or non-finite, or
// an empty loss.
double log_power_law_density(double sigma, double beta, const std::function<double(double)>& loss,
                             double exponent, const char* who);

}  // namespace orbitmc::analysis
