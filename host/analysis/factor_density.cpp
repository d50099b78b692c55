// Reference law of σ for L-factor blocks (see factor_density.hpp and THEORY §4).
#include "analysis/factor_density.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "analysis/reference_density.hpp"

namespace orbitmc::analysis {

double factor_sigma_exponent(const std::vector<int>& sizes, double c) {
  const int factors = static_cast<int>(sizes.size());
  if (factors < 2) {
    std::ostringstream msg;
    msg << "factor_sigma_exponent: " << factors << " factor(s); a block needs at least 2";
    throw std::invalid_argument(msg.str());
  }
  int total = 0;
  for (int k = 0; k < factors; ++k) {
    if (sizes[k] < 1) {
      std::ostringstream msg;
      msg << "factor_sigma_exponent: factor " << k + 1 << " has size " << sizes[k]
          << "; every size must be >= 1";
      throw std::invalid_argument(msg.str());
    }
    total += sizes[k];
  }
  if (!std::isfinite(c)) {
    std::ostringstream msg;
    msg << "factor_sigma_exponent: c = " << c << "; the correction scale must be finite";
    throw std::invalid_argument(msg.str());
  }
  // The slice measure gives σ^((N − L)/L) from a^(N−L) and σ^(1/L − 1) from da = dσ/(L a^(L−1));
  // the correction det G^(−c/2) adds σ^(−c(L−1)/L). At L = 2 both divisions are exact halvings,
  // so the value is bit for bit 0.5·(n + m − 3) − 0.5·c.
  const double L = factors;
  return static_cast<double>(total - 2 * factors + 1) / L - c * (L - 1) / L;
}

double log_factor_sigma_density(double sigma, double beta,
                                const std::function<double(double)>& loss,
                                const std::vector<int>& sizes, double c) {
  return log_power_law_density(sigma, beta, loss, factor_sigma_exponent(sizes, c),
                               "log_factor_sigma_density");
}

double factor_log_det_gram_on_slice(int factors, double sigma) {
  if (factors < 2 || !(sigma > 0) || !std::isfinite(sigma)) {
    std::ostringstream msg;
    msg << "factor_log_det_gram_on_slice: L = " << factors << ", sigma = " << sigma
        << "; need L >= 2 and a finite sigma > 0";
    throw std::invalid_argument(msg.str());
  }
  const double L = factors;
  return std::log(L) + 2.0 * (L - 1) / L * std::log(sigma);
}

}  // namespace orbitmc::analysis
