// Binned goodness-of-fit statistics used to decide validation cases (THEORY §6): a histogram
// against reference bin probabilities (steps 1), and two histograms against each other (step 2).
// All functions throw std::invalid_argument for empty inputs, mismatched bin counts, zero totals,
// or probabilities that are negative / non-finite / sum to 0.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/test_result.hpp"

namespace orbitmc::analysis {

// --- one sample: counts against probabilities (renormalised over the bins given) ---

// Pearson χ². Adjacent bins are merged left to right until each expected count is >= 5;
// dof = merged bins − 1; p from the χ² survival function. With a single merged bin there is
// nothing to test: statistic 0, dof 0, p 1.
TestResult chi2_gof(const std::vector<uint64_t>& counts, const std::vector<double>& probs);

// Kolmogorov–Smirnov on binned data: D = max over bin edges |F_emp − F_ref|; statistic = D,
// dof = N; p from the Kolmogorov distribution. Binning only hides differences inside bins, so
// the test is conservative (never too many false rejections).
TestResult ks_binned(const std::vector<uint64_t>& counts, const std::vector<double>& probs);

// Total variation distance 0.5 Σ |n_k/N − p_k|.
double total_variation(const std::vector<uint64_t>& counts, const std::vector<double>& probs);

// --- two samples: histograms a and b on the same bins, with possibly unequal totals ---

// Two-sample χ² Σ (√(Nb/Na) a_k − √(Na/Nb) b_k)² / (a_k + b_k) (Numerical Recipes §14.3),
// adjacent bins merged until a_k + b_k >= 10; dof = merged bins − 1 (p 1 if only one).
TestResult chi2_two_sample(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// Two-sample KS: D = max over bin edges |F_a − F_b|; statistic = D,
// dof = effective n = Na·Nb/(Na + Nb); p from the Kolmogorov distribution.
TestResult ks_two_sample(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// Total variation distance 0.5 Σ |a_k/Na − b_k/Nb|.
double total_variation_two_sample(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

}  // namespace orbitmc::analysis
