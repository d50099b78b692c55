// Binned maximum-likelihood fit of the correction scale c (see exponent_fit.hpp).
#include "analysis/exponent_fit.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/tools/minima.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "analysis/bin_probabilities.hpp"
#include "analysis/input_checks.hpp"

namespace orbitmc::analysis {
namespace {

// Stand-in for logL = −inf: Brent and TOMS 748 interpolate function values, and infinities
// would turn their interpolation steps into NaN.
constexpr double kImpossible = -1e300;

class BinnedLikelihood {
 public:
  BinnedLikelihood(const std::vector<uint64_t>& counts, double lo, double hi,
                   const std::function<double(double, double)>& log_density)
      : counts_(counts), lo_(lo), hi_(hi), log_density_(log_density) {}

  double operator()(double c) const {
    std::vector<double> p;
    try {
      p = bin_probabilities([&](double x) { return log_density_(x, c); }, lo_, hi_,
                            static_cast<int>(counts_.size()));
    } catch (const std::runtime_error&) {
      // A member of the family whose quadrature fails (not normalisable on [lo, hi]) is simply
      // not the MLE. std::invalid_argument still propagates: it signals a caller bug such as a
      // histogram range outside the density's domain.
      return kImpossible;
    }
    double sum = 0;
    for (std::size_t k = 0; k < counts_.size(); ++k) {
      if (counts_[k] == 0) continue;
      if (!(p[k] > 0)) return kImpossible;
      sum += static_cast<double>(counts_[k]) * std::log(p[k]);
    }
    return sum;
  }

 private:
  const std::vector<uint64_t>& counts_;
  double lo_, hi_;
  const std::function<double(double, double)>& log_density_;
};

// −f''(c), central where c ± h fits in [a, b], otherwise a one-sided three-point difference.
double observed_information(const BinnedLikelihood& f, double c, double fc, double h, double a,
                            double b) {
  if (c - h >= a && c + h <= b) return -(f(c - h) - 2 * fc + f(c + h)) / (h * h);
  const double s = (c + 2 * h <= b) ? h : -h;
  return -(fc - 2 * f(c + s) + f(c + 2 * s)) / (h * h);
}

// Finds c between c_hat and `limit` where logL(c) = target, stepping outward from c_hat so that
// the bracket stays near the likelihood peak. Returns `limit` (and sets found = false) when
// logL stays above target all the way to the limit.
double profile_limit(const BinnedLikelihood& f, double c_hat, double f_hat, double target,
                     double first_step, double limit, double tol, bool& found) {
  const double dir = limit > c_hat ? 1.0 : -1.0;
  double inner = c_hat, f_inner = f_hat - target;
  double step = first_step;
  for (int i = 0; i < 60; ++i) {
    double outer = c_hat + dir * step;
    if (dir * (outer - limit) >= 0) outer = limit;
    const double f_outer = f(outer) - target;
    if (f_outer <= 0) {
      auto g = [&](double c) { return f(c) - target; };
      auto close = [tol](double x, double y) { return std::abs(x - y) <= tol; };
      std::uintmax_t iters = 100;
      double a = inner, b = outer, fa = f_inner, fb = f_outer;
      if (a > b) {
        std::swap(a, b);
        std::swap(fa, fb);
      }
      const auto root = boost::math::tools::toms748_solve(g, a, b, fa, fb, close, iters);
      found = true;
      return 0.5 * (root.first + root.second);
    }
    if (outer == limit) break;
    inner = outer;
    f_inner = f_outer;
    step *= 2;
  }
  found = false;
  return limit;
}

}  // namespace

ExponentFit fit_exponent(const std::vector<uint64_t>& counts, double lo, double hi,
                         const std::function<double(double x, double c)>& log_density, double c_min,
                         double c_max, double level) {
  const char* where = "fit_exponent";
  detail::require_counts(counts, where);
  detail::require_interval(lo, hi, where);
  if (!std::isfinite(c_min) || !std::isfinite(c_max) || !(c_min < c_max)) {
    std::ostringstream msg;
    msg << where << ": [c_min, c_max] = [" << c_min << ", " << c_max
        << "] is invalid; bounds must be finite with c_min < c_max";
    throw std::invalid_argument(msg.str());
  }
  if (!(level > 0 && level < 1)) {
    std::ostringstream msg;
    msg << where << ": level = " << level << "; the confidence level must lie in (0, 1)";
    throw std::invalid_argument(msg.str());
  }
  if (!log_density) {
    throw std::invalid_argument(std::string(where) +
                                ": log_density is empty; a callable is required");
  }

  const BinnedLikelihood logl(counts, lo, hi, log_density);
  const double span = c_max - c_min;

  // Coarse scan so that Brent starts from a bracket around the global maximum.
  constexpr int kScan = 20;
  int best = 0;
  double best_value = -std::numeric_limits<double>::infinity();
  for (int i = 0; i <= kScan; ++i) {
    const double v = logl(c_min + span * i / kScan);
    if (v > best_value) {
      best_value = v;
      best = i;
    }
  }
  const double a = c_min + span * std::max(best - 1, 0) / kScan;
  const double b = c_min + span * std::min(best + 1, kScan) / kScan;
  std::uintmax_t iters = 200;
  const auto neg = [&](double c) { return -logl(c); };
  const auto opt = boost::math::tools::brent_find_minima(
      neg, a, b, std::numeric_limits<double>::digits / 2, iters);

  ExponentFit fit;
  fit.c_hat = opt.first;
  fit.log_likelihood = -opt.second;
  if (!(fit.log_likelihood > kImpossible)) {
    fit.ci_lo = c_min;
    fit.ci_hi = c_max;
    fit.std_error = std::numeric_limits<double>::quiet_NaN();
    return fit;  // no member of the family explains the data
  }
  const double edge = 1e-6 * span;
  bool ok = fit.c_hat - c_min > edge && c_max - fit.c_hat > edge;

  // A step of ~1 standard error measures the curvature on the scale that matters for the CI
  // and keeps quadrature noise (≈ 1e-15·N in logL) far below the second difference.
  double info =
      observed_information(logl, fit.c_hat, fit.log_likelihood, 1e-3 * span, c_min, c_max);
  if (info > 0) {
    const double h = std::clamp(1 / std::sqrt(info), 1e-6 * span, 0.25 * span);
    info = observed_information(logl, fit.c_hat, fit.log_likelihood, h, c_min, c_max);
  }
  if (info > 0) {
    fit.std_error = 1 / std::sqrt(info);
  } else {
    fit.std_error = std::numeric_limits<double>::quiet_NaN();
    ok = false;
  }

  const double q = boost::math::quantile(boost::math::chi_squared_distribution<double>(1), level);
  const double target = fit.log_likelihood - 0.5 * q;
  const double scale = std::isfinite(fit.std_error) ? fit.std_error : 1e-2 * span;
  const double first_step = 1.5 * std::sqrt(q) * scale;
  const double tol = 1e-6 * scale;
  bool found_lo = false, found_hi = false;
  fit.ci_lo =
      profile_limit(logl, fit.c_hat, fit.log_likelihood, target, first_step, c_min, tol, found_lo);
  fit.ci_hi =
      profile_limit(logl, fit.c_hat, fit.log_likelihood, target, first_step, c_max, tol, found_hi);
  fit.converged = ok && found_lo && found_hi;
  return fit;
}

}  // namespace orbitmc::analysis
