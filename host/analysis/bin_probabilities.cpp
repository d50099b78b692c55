// Quadrature of a log density over histogram bins (see bin_probabilities.hpp).
#include "analysis/bin_probabilities.hpp"

#include <algorithm>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "analysis/input_checks.hpp"

namespace orbitmc::analysis {
namespace {

// Shift that keeps exp(log_density − shift) in range. A grid (not the true maximum) suffices:
// the shift only has to be within a few hundred nats of the integrand's scale.
double grid_max_log_density(const std::function<double(double)>& log_density, double lo, double hi,
                            int bins) {
  const int points = std::max(1024, 16 * bins);
  double best = -std::numeric_limits<double>::infinity();
  for (int i = 0; i < points; ++i) {
    const double x = lo + (hi - lo) * (i + 0.5) / points;
    const double v = log_density(x);
    // +inf can only occur at a singular point, which the grid should not hit; ignore it rather
    // than shift everything to −inf.
    if (std::isfinite(v)) best = std::max(best, v);
  }
  return best;
}

}  // namespace

std::vector<double> bin_probabilities(const std::function<double(double)>& log_density, double lo,
                                      double hi, int bins) {
  const char* where = "bin_probabilities";
  detail::require_interval(lo, hi, where);
  if (bins < 1) {
    std::ostringstream msg;
    msg << where << ": bins = " << bins << "; at least 1 bin is required";
    throw std::invalid_argument(msg.str());
  }
  if (!log_density) {
    throw std::invalid_argument(std::string(where) +
                                ": log_density is empty; a callable is required");
  }
  const double shift = grid_max_log_density(log_density, lo, hi, bins);
  if (!std::isfinite(shift)) {
    throw std::invalid_argument(std::string(where) +
                                ": log_density is -inf or NaN everywhere on the grid; a density "
                                "with positive mass on [lo, hi] is required");
  }
  auto density = [&](double x) {
    const double v = log_density(x) - shift;
    // NaN would poison the quadrature sum; treat it as a point of zero density.
    return std::isnan(v) ? 0.0 : std::exp(v);
  };

  // tanh-sinh error estimates are pessimistic (each level roughly doubles the correct digits),
  // so a 1e-13 estimate gives close to full double precision per bin.
  // Not const: Boost 1.74 declares integrate() non-const despite the trailing return type.
  boost::math::quadrature::tanh_sinh<double> integrator;
  const double tolerance = 1e-13;
  const double width = (hi - lo) / bins;
  std::vector<double> probs(bins);
  double total = 0;
  for (int k = 0; k < bins; ++k) {
    const double a = lo + k * width;
    const double b = (k + 1 == bins) ? hi : lo + (k + 1) * width;
    double value = 0;
    try {
      value = integrator.integrate(density, a, b, tolerance);
    } catch (const std::exception& e) {
      std::ostringstream msg;
      msg << where << ": quadrature failed on bin " << k << " [" << a << ", " << b
          << "]: " << e.what();
      throw std::runtime_error(msg.str());
    }
    if (!std::isfinite(value) || value < 0) {
      std::ostringstream msg;
      msg << where << ": integral over bin " << k << " [" << a << ", " << b << "] is " << value
          << "; the density must be integrable and non-negative";
      throw std::runtime_error(msg.str());
    }
    probs[k] = value;
    total += value;
  }
  if (!(total > 0) || !std::isfinite(total)) {
    std::ostringstream msg;
    msg << where << ": total integral over [" << lo << ", " << hi << "] is " << total
        << "; a positive finite mass is required";
    throw std::runtime_error(msg.str());
  }
  for (double& p : probs) p /= total;
  return probs;
}

}  // namespace orbitmc::analysis
