// Shared argument validation for host/analysis (see input_checks.hpp).
#include "analysis/input_checks.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace orbitmc::analysis::detail {

double require_counts(const std::vector<uint64_t>& counts, const std::string& where,
                      const std::string& name) {
  if (counts.empty()) {
    throw std::invalid_argument(where + ": " + name + " is empty; at least one bin is required");
  }
  double total = 0;
  for (uint64_t c : counts) total += static_cast<double>(c);
  if (total <= 0) {
    throw std::invalid_argument(where + ": " + name +
                                " sums to 0; a positive total count is required");
  }
  return total;
}

void require_same_size(std::size_t a, std::size_t b, const std::string& where,
                       const std::string& a_name, const std::string& b_name) {
  if (a != b) {
    std::ostringstream msg;
    msg << where << ": " << a_name << " has " << a << " bins but " << b_name << " has " << b
        << "; they must have the same number of bins";
    throw std::invalid_argument(msg.str());
  }
}

std::vector<double> normalised_probabilities(const std::vector<double>& probs,
                                             const std::string& where) {
  double sum = 0;
  for (std::size_t k = 0; k < probs.size(); ++k) {
    if (!std::isfinite(probs[k]) || probs[k] < 0) {
      std::ostringstream msg;
      msg << where << ": probs[" << k << "] = " << probs[k]
          << "; probabilities must be finite and >= 0";
      throw std::invalid_argument(msg.str());
    }
    sum += probs[k];
  }
  if (!(sum > 0)) {
    throw std::invalid_argument(where + ": probs sum to 0; a positive total is required");
  }
  std::vector<double> out(probs.size());
  for (std::size_t k = 0; k < probs.size(); ++k) out[k] = probs[k] / sum;
  return out;
}

void require_interval(double lo, double hi, const std::string& where) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    std::ostringstream msg;
    msg << where << ": interval [lo, hi] = [" << lo << ", " << hi
        << "] is invalid; lo and hi must be finite with lo < hi";
    throw std::invalid_argument(msg.str());
  }
}

}  // namespace orbitmc::analysis::detail
