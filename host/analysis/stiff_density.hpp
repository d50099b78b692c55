// The law of σ = |u|·|v| under the ambient stiff target exp(−β(ℓ(σ) + (κ/2)F²)) at a finite κ,
// F = (|u|² − |v|²)/2 (docs/THEORY.md §4, "The ambient law at finite κ"): the law an exact
// ambient sampler (MALA) has at its own κ. As κ → ∞ it tends to the corrected law of
// reference_density.hpp; the two differ where the fluctuations of F, ~(βκ)^(−1/2), are not small
// beside σ, i.e. near σ = 0, where singular laws put their mass.
#pragma once

#include <functional>

namespace orbitmc::analysis {

// log ∫ exp(−βκF²/2) · a^(n−1) b^(m−1) / (a² + b²) dF over F ∈ ℝ, with a² = √(σ² + F²) + F and
// b² = √(σ² + F²) − F (the volume of the factors' spheres and the Jacobian of
// (|u|, |v|) → (σ, F)), for σ > 0, by tanh-sinh quadrature on each side of F = 0 out to 12
// standard deviations of F. Throws std::invalid_argument for σ ≤ 0 or non-finite, n or m < 1,
// or βκ ≤ 0 or non-finite.
double log_stiff_factor(double sigma, int n, int m, double beta_kappa);

// The family the exponent fit reads an ambient sampler's σ with: −βℓ(σ) + log_stiff_factor(σ)
// + ((1 − c)/2)·log σ. c = 1 is the ambient law at κ; every c differs from it by the power of σ
// by which the theory's family at c differs from the corrected law, so ĉ = 1 at the truth for
// every κ. log_stiff_factor is memoised (the fit evaluates the same σ for many c). The returned
// function is not safe to call from several threads at once.
std::function<double(double sigma, double c)> stiff_log_density(double beta,
                                                                std::function<double(double)> loss,
                                                                int n, int m, double kappa);

}  // namespace orbitmc::analysis
