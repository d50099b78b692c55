// Argument validation shared by the analysis routines, so that every public entry point rejects
// bad input with the same std::invalid_argument messages (naming the value and what is allowed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace orbitmc::analysis::detail {

// Throws unless `counts` is non-empty and has a positive total; returns the total.
double require_counts(const std::vector<uint64_t>& counts, const std::string& where,
                      const std::string& name = "counts");

// Throws unless `a` and `b` have the same length.
void require_same_size(std::size_t a, std::size_t b, const std::string& where,
                       const std::string& a_name, const std::string& b_name);

// Throws unless every entry is finite and >= 0 and the sum is positive; returns the probabilities
// divided by their sum (the tests condition on the bins that were histogrammed).
std::vector<double> normalised_probabilities(const std::vector<double>& probs,
                                             const std::string& where);

// Throws unless lo and hi are finite and lo < hi.
void require_interval(double lo, double hi, const std::string& where);

}  // namespace orbitmc::analysis::detail
