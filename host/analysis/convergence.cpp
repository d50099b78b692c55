// Between-chain diagnostics from streaming moments (see convergence.hpp).
#include "analysis/convergence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace orbitmc::analysis {
namespace {

struct VarianceComponents {
  double n = 0;          // mean draws per half
  double total = 0;      // Σ n_j
  double within = 0;     // W
  double var_means = 0;  // B/n
};

VarianceComponents components(const std::vector<ChainMoments>& halves, const char* where) {
  VarianceComponents v;
  const double m = static_cast<double>(halves.size());
  double mean_of_means = 0;
  for (std::size_t j = 0; j < halves.size(); ++j) {
    const ChainMoments& h = halves[j];
    if (!std::isfinite(h.n) || !std::isfinite(h.mean) || !std::isfinite(h.m2) || h.n < 2 ||
        h.m2 < 0) {
      std::ostringstream msg;
      msg << where << ": halves[" << j << "] = {n " << h.n << ", mean " << h.mean << ", m2 " << h.m2
          << "}; each half needs finite moments with n >= 2 and m2 >= 0";
      throw std::invalid_argument(msg.str());
    }
    v.total += h.n;
    v.within += h.m2 / (h.n - 1);
    mean_of_means += h.mean;
  }
  v.n = v.total / m;
  v.within /= m;
  mean_of_means /= m;
  for (const ChainMoments& h : halves) {
    v.var_means += (h.mean - mean_of_means) * (h.mean - mean_of_means);
  }
  v.var_means /= m - 1;
  return v;
}

double var_plus(const VarianceComponents& v) { return (v.n - 1) / v.n * v.within + v.var_means; }

}  // namespace

double split_rhat(const std::vector<ChainMoments>& halves) {
  if (halves.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const VarianceComponents v = components(halves, "split_rhat");
  if (!(v.within > 0)) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(var_plus(v) / v.within);
}

double ess_between_chains(const std::vector<ChainMoments>& halves) {
  if (halves.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const VarianceComponents v = components(halves, "ess_between_chains");
  const double m = static_cast<double>(halves.size());
  if (!(v.var_means > 0)) return v.total;
  return std::min(v.total, m * var_plus(v) / v.var_means);
}

ChainMoments merge(const ChainMoments& a, const ChainMoments& b) {
  if (!(a.n >= 0) || !(b.n >= 0)) {
    std::ostringstream msg;
    msg << "merge: counts " << a.n << " and " << b.n << "; counts must be >= 0";
    throw std::invalid_argument(msg.str());
  }
  if (a.n == 0) return b;
  if (b.n == 0) return a;
  ChainMoments r;
  r.n = a.n + b.n;
  const double delta = b.mean - a.mean;
  // Weighting delta by the other set's share keeps the update stable when one set is small.
  r.mean = a.mean + delta * (b.n / r.n);
  r.m2 = a.m2 + b.m2 + delta * delta * (a.n * b.n / r.n);
  return r;
}

}  // namespace orbitmc::analysis
