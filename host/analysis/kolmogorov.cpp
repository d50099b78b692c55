// Kolmogorov survival function and KS p-values (see kolmogorov.hpp).
#include "analysis/kolmogorov.hpp"

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace orbitmc::analysis {

double kolmogorov_q(double lambda) {
  if (std::isnan(lambda)) {
    throw std::invalid_argument("kolmogorov_q: lambda is NaN; a real number is required");
  }
  // Below 0.05 the CDF is < exp(−490): Q is 1 to double precision, and 1/λ could overflow.
  if (lambda < 0.05) return 1.0;
  const double pi = boost::math::constants::pi<double>();
  // The alternating series needs many terms and cancels badly for small λ; there the Jacobi
  // theta identity 1 − Q(λ) = √(2π)/λ Σ exp(−(2k−1)²π²/(8λ²)) converges in a few terms.
  // 1.18 is the usual crossover (Numerical Recipes 3rd ed., §6.14) where both need <= 4 terms.
  if (lambda < 1.18) {
    const double y = -pi * pi / (8 * lambda * lambda);
    double cdf = 0;
    for (int k = 1; k <= 8; ++k) {
      const double odd = 2 * k - 1;
      cdf += std::exp(odd * odd * y);
    }
    cdf *= std::sqrt(2 * pi) / lambda;
    return std::clamp(1.0 - cdf, 0.0, 1.0);
  }
  double sum = 0;
  double sign = 1;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * lambda * lambda);
    sum += sign * term;
    if (term < 1e-18 * sum) break;
    sign = -sign;
  }
  return std::clamp(2 * sum, 0.0, 1.0);
}

double ks_p_value(double d, double n) {
  if (!std::isfinite(d) || d < 0 || d > 1) {
    std::ostringstream msg;
    msg << "ks_p_value: D = " << d << "; a KS distance must lie in [0, 1]";
    throw std::invalid_argument(msg.str());
  }
  if (!std::isfinite(n) || !(n > 0)) {
    std::ostringstream msg;
    msg << "ks_p_value: n = " << n << "; the sample size must be finite and > 0";
    throw std::invalid_argument(msg.str());
  }
  const double sn = std::sqrt(n);
  return kolmogorov_q((sn + 0.12 + 0.11 / sn) * d);
}

}  // namespace orbitmc::analysis
