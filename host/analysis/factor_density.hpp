// Reference law of the scale coordinate σ = Π_k |u^k| of an L-factor block (THEORY §4, "L-factor
// blocks"): the exponent of σ under the correction scale c and the Gram determinant on the slice.
// The two-factor case is reference_density.hpp's, number for number.
#pragma once

#include <functional>
#include <vector>

namespace orbitmc::analysis {

// The power of σ in the law of σ for a block with factor sizes n_1…n_L (N = Σ n_k) and
// correction scale c:  (N − 2L + 1)/L − c·(L − 1)/L.
// c = 1 is the conditional measure μ_S (corrected constrained sampler, ambient stiff κ → ∞),
// σ^((N − 3L + 2)/L); c = 0 the uncorrected constrained sampler. For L = 2 it is
// sigma_exponent(n, m, c) = (n + m − 3)/2 − c/2 exactly. Throws std::invalid_argument for fewer
// than 2 factors, a size < 1 or a non-finite c.
double factor_sigma_exponent(const std::vector<int>& sizes, double c);

// Unnormalised log density of σ: −βℓ(σ) + factor_sigma_exponent(sizes, c)·log σ, with
// log_sigma_density's conventions at σ = 0 (−inf, −βℓ(0) or +inf by the sign of the exponent)
// and its argument checks (σ ≥ 0 finite, β ≥ 0 finite, a loss).
double log_factor_sigma_density(double sigma, double beta,
                                const std::function<double(double)>& loss,
                                const std::vector<int>& sizes, double c);

// log det G on the slice |u^1| = … = |u^L| = σ^(1/L): G = a²·T with det T = L, so
// log det G = log L + 2(L − 1)/L · log σ. Throws std::invalid_argument for L < 2 or σ ≤ 0.
double factor_log_det_gram_on_slice(int factors, double sigma);

}  // namespace orbitmc::analysis
