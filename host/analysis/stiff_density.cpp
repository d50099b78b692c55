// The ambient law of σ at finite κ (see stiff_density.hpp).
#include "analysis/stiff_density.hpp"

#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "analysis/reference_density.hpp"

namespace orbitmc::analysis {

double log_stiff_factor(double sigma, int n, int m, double beta_kappa) {
  if (!(sigma > 0) || !std::isfinite(sigma) || n < 1 || m < 1 || !(beta_kappa > 0) ||
      !std::isfinite(beta_kappa)) {
    std::ostringstream msg;
    msg << "log_stiff_factor: sigma = " << sigma << ", (n, m) = (" << n << ", " << m
        << "), beta*kappa = " << beta_kappa << "; need sigma > 0, n, m >= 1, beta*kappa > 0";
    throw std::invalid_argument(msg.str());
  }
  // log of the integrand without the Gaussian, relative to its value at F = 0, σ^((n+m−4)/2)/2:
  // the integral is then of a function of order 1 near F = 0 (no underflow for tiny σ).
  // With r = √(σ² + F²), the larger of a², b² is r + |F| and the smaller σ²/(r + |F|) (no
  // cancellation).
  const double log0 = 0.5 * (n + m - 4) * std::log(sigma) - std::log(2.0);
  const double log_sigma2 = 2 * std::log(sigma);
  auto log_g = [&](double f) {
    // In logs throughout: σ² underflows for σ < 1e-154, which the quadrature of a bin at 0 asks.
    const double r = std::hypot(sigma, f), log_big = std::log(r + std::fabs(f));
    const double log_small = log_sigma2 - log_big;
    const double log_a2 = f >= 0 ? log_big : log_small, log_b2 = f >= 0 ? log_small : log_big;
    return 0.5 * (n - 1) * log_a2 + 0.5 * (m - 1) * log_b2 - std::log(2 * r) - log0;
  };
  const double sd = 1 / std::sqrt(beta_kappa);
  auto h = [&](double f) { return std::exp(log_g(f) - 0.5 * beta_kappa * f * f); };
  // Each side of F = 0 on its own: tanh-sinh crowds its nodes at the ends, where the integrand
  // changes on the scale σ when σ ≪ sd.
  boost::math::quadrature::tanh_sinh<double> integrator;
  const double reach = 12 * sd;
  const double total = integrator.integrate(h, -reach, 0.0) + integrator.integrate(h, 0.0, reach);
  if (!(total > 0) || !std::isfinite(total)) {
    std::ostringstream msg;
    msg << "log_stiff_factor: the integral at sigma = " << sigma << " is " << total;
    throw std::runtime_error(msg.str());
  }
  return log0 + std::log(total);
}

std::function<double(double, double)> stiff_log_density(double beta,
                                                        std::function<double(double)> loss, int n,
                                                        int m, double kappa) {
  auto memo = std::make_shared<std::unordered_map<double, double>>();
  return [=](double sigma, double c) {
    // The corrected law's form (argument checks, the loss) with the power of the family ...
    const double base =
        log_power_law_density(sigma, beta, loss, 0.5 * (1 - c), "stiff_log_density");
    // σ = 0 is not in the stiff factor's domain; the quadratures evaluate inside bins only.
    if (sigma == 0) return -std::numeric_limits<double>::infinity();
    // ... times the stiff factor in place of the corrected law's σ^((n+m−4)/2).
    auto at = memo->find(sigma);
    if (at == memo->end())
      at = memo->emplace(sigma, log_stiff_factor(sigma, n, m, beta * kappa)).first;
    return base + at->second;
  };
}

}  // namespace orbitmc::analysis
