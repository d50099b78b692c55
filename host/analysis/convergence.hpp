// Between-chain convergence diagnostics (split R-hat, between-chain ESS) computed from per-chain
// streaming moments, so the sampler only has to keep (count, mean, M2) per half-chain.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/exact_sum.hpp"

namespace orbitmc::analysis {

struct ChainMoments {
  double n = 0, mean = 0, m2 = 0;  // Welford count, mean, Σ(x − mean)²
};

// What the diagnostics below need of a set of half-chains, as exact sums: the same for any
// order of the halves and any split of them between processes (add(HalfSums) joins two sets).
// The means enter as d_j = mean_j − shift, so that the variances below, differences of sums of
// squares, lose no digits to cancellation: the shift must be near the means, and the same for
// every part of one set. Two passes give it: MeanSums first (its shift(): the pooled mean, also
// exact and order-free), then HalfSums with that shift.
struct MeanSums {
  ExactSum n, n_mean;       // Σ n_j, Σ n_j·mean_j
  uint64_t unsummable = 0;  // halves whose n_j·mean_j overflows a double (left out)
  // Adds one half; throws std::invalid_argument (naming `where`) for n < 2, m2 < 0 or
  // non-finite moments.
  void add(const ChainMoments& h, const char* where = "MeanSums");
  // The pooled mean of the halves summed (0 without any).
  double shift() const;
};

struct HalfSums {
  explicit HalfSums(double shift = 0) : shift(shift) {}
  double shift;
  uint64_t halves = 0;  // M
  // Halves left out because n_j·d_j² overflows a double (|mean − shift| beyond ~1e150): with
  // any, the diagnostics below are NaN rather than wrong.
  uint64_t unsummable = 0;
  // Σ n_j, Σ s_j² (= m2_j/(n_j − 1)), Σ d_j, Σ d_j², Σ n_j d_j, Σ (m2_j + n_j d_j²)
  ExactSum n, s2, d, d2, nd, m2_nd2;
  // Adds one half; throws std::invalid_argument (naming `where`) for n < 2, m2 < 0 or
  // non-finite moments.
  void add(const ChainMoments& h, const char* where = "HalfSums");
  void add(const HalfSums& other);  // the same shift
  // The moments of all draws of the halves pooled (n = 0 when there are none; NaN moments when
  // a half was unsummable).
  ChainMoments pooled() const;
};
double split_rhat(const HalfSums& sums);
double ess_between_chains(const HalfSums& sums);

// Split R-hat (Gelman et al., BDA3 §11.4; Vehtari et al. 2021 without rank normalisation), each
// element one split half-chain with n draws (the mean n if they differ):
//   W    = mean over halves of s_j² = m2_j/(n_j − 1)
//   B/n  = sample variance (divisor M − 1) of the half-chain means
//   var⁺ = (n − 1)/n · W + B/n,   R̂ = √(var⁺ / W).
// Halves that agree exactly give R̂ = √((n − 1)/n), which tends to 1 from below.
// Returns NaN if fewer than 2 halves, or if W = 0 (all draws constant within halves).
// Throws std::invalid_argument for a half with n < 2, m2 < 0, or non-finite moments.
double split_rhat(const std::vector<ChainMoments>& halves);

// Effective sample size from between-chain information only (BDA2 §11.4, "crude" estimate):
//   ESS = M·n · var⁺ / B = M · var⁺ / var(means),
// with var⁺ and var(means) = B/n as in split_rhat, capped at the total number of draws Σ n_j.
// Chains whose means coincide exactly (var(means) = 0) give the cap. Because var(means) is
// estimated from M values, the estimate has relative spread ≈ √(2/(M − 1)): it needs many
// chains to be useful, which the many-short-chains design of the validation runs provides.
// Returns NaN if fewer than 2 halves; throws like split_rhat.
double ess_between_chains(const std::vector<ChainMoments>& halves);
// (The vector forms take the two passes above.)

// Pooled moments of two disjoint sets of draws (Chan, Golub & LeVeque's parallel update).
ChainMoments merge(const ChainMoments& a, const ChainMoments& b);

}  // namespace orbitmc::analysis
