// Reference log density of σ (see reference_density.hpp and THEORY §4).
#include "analysis/reference_density.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace orbitmc::analysis {

double sigma_exponent(int n, int m, double c) {
  if (n < 1 || m < 1) {
    std::ostringstream msg;
    msg << "sigma_exponent: block (n, m) = (" << n << ", " << m
        << "); both dimensions must be >= 1";
    throw std::invalid_argument(msg.str());
  }
  if (!std::isfinite(c)) {
    std::ostringstream msg;
    msg << "sigma_exponent: c = " << c << "; the correction scale must be finite";
    throw std::invalid_argument(msg.str());
  }
  return 0.5 * (n + m - 3) - 0.5 * c;
}

double log_power_law_density(double sigma, double beta, const std::function<double(double)>& loss,
                             double exponent, const char* who) {
  const double a = exponent;
  if (!std::isfinite(sigma) || sigma < 0) {
    std::ostringstream msg;
    msg << who << ": sigma = " << sigma << "; sigma must be finite and >= 0";
    throw std::invalid_argument(msg.str());
  }
  if (!std::isfinite(beta) || beta < 0) {
    std::ostringstream msg;
    msg << who << ": beta = " << beta << "; beta must be finite and >= 0";
    throw std::invalid_argument(msg.str());
  }
  if (!loss)
    throw std::invalid_argument(std::string(who) + ": loss is empty; a callable is required");
  // β = 0 is the pure volume factor; skipping the product avoids 0·inf = NaN for losses that
  // are infinite somewhere.
  const double energy = beta == 0 ? 0.0 : beta * loss(sigma);
  if (sigma == 0) {
    if (a == 0) return -energy;
    return a > 0 ? -std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::infinity();
  }
  return -energy + a * std::log(sigma);
}

double log_sigma_density(double sigma, double beta, const std::function<double(double)>& loss,
                         int n, int m, double c) {
  return log_power_law_density(sigma, beta, loss, sigma_exponent(n, m, c), "log_sigma_density");
}

}  // namespace orbitmc::analysis
