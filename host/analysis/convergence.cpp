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

VarianceComponents components(const HalfSums& s) {
  VarianceComponents v;
  const double m = static_cast<double>(s.halves);
  v.total = s.n.value();
  v.n = v.total / m;
  v.within = s.s2.value() / m;
  const double sd = s.d.value();
  // Σ(d − d̄)² = Σd² − (Σd)²/M, never below 0 (rounding of means that agree exactly).
  v.var_means = std::max(0.0, s.d2.value() - sd * sd / m) / (m - 1);
  return v;
}

double var_plus(const VarianceComponents& v) { return (v.n - 1) / v.n * v.within + v.var_means; }

HalfSums sums_of(const std::vector<ChainMoments>& halves, const char* where) {
  MeanSums first;
  for (const ChainMoments& h : halves) first.add(h, where);
  HalfSums s(first.shift());
  for (const ChainMoments& h : halves) s.add(h, where);
  return s;
}

}  // namespace

namespace {
// n ≥ 2, m2 ≥ 0 and finite moments, or std::invalid_argument naming the half.
void check_half(const ChainMoments& h, const char* where, uint64_t index) {
  const bool finite = std::isfinite(h.n) && std::isfinite(h.mean) && std::isfinite(h.m2);
  if (!finite || h.n < 2 || h.m2 < 0) {
    std::ostringstream msg;
    msg << where << ": halves[" << index << "] = {n " << h.n << ", mean " << h.mean << ", m2 "
        << h.m2 << "}; each half needs finite moments with n >= 2 and m2 >= 0";
    throw std::invalid_argument(msg.str());
  }
}
}  // namespace

void MeanSums::add(const ChainMoments& h, const char* where) {
  check_half(h, where, 0);
  const double nm = h.n * h.mean;
  if (!std::isfinite(nm)) {
    ++unsummable;
    return;
  }
  n.add(h.n);
  n_mean.add(nm);
}

double MeanSums::shift() const {
  const double total = n.value();
  const double mean = total > 0 ? n_mean.value() / total : 0.0;
  return std::isfinite(mean) ? mean : 0.0;
}

void HalfSums::add(const ChainMoments& h, const char* where) {
  check_half(h, where, halves + unsummable);
  const double dj = h.mean - shift;
  const double ndd = h.n * dj * dj;
  if (!std::isfinite(ndd) || !std::isfinite(h.m2 + ndd)) {
    ++unsummable;
    return;
  }
  ++halves;
  n.add(h.n);
  s2.add(h.m2 / (h.n - 1));
  d.add(dj);
  d2.add(dj * dj);
  nd.add(h.n * dj);
  m2_nd2.add(h.m2 + ndd);
}

void HalfSums::add(const HalfSums& o) {
  if (o.shift != shift) throw std::invalid_argument("HalfSums: joining sums of other shifts");
  halves += o.halves;
  unsummable += o.unsummable;
  n.add(o.n);
  s2.add(o.s2);
  d.add(o.d);
  d2.add(o.d2);
  nd.add(o.nd);
  m2_nd2.add(o.m2_nd2);
}

ChainMoments HalfSums::pooled() const {
  ChainMoments r;
  r.n = n.value();
  if (unsummable > 0) return ChainMoments{r.n, NAN, NAN};
  if (!(r.n > 0)) return ChainMoments{};
  const double snd = nd.value();
  r.mean = shift + snd / r.n;
  // Σ m2_j + Σ n_j (d_j − d̄)² = Σ (m2_j + n_j d_j²) − (Σ n_j d_j)²/N.
  r.m2 = std::max(0.0, m2_nd2.value() - snd * snd / r.n);
  return r;
}

double split_rhat(const HalfSums& sums) {
  if (sums.halves < 2 || sums.unsummable > 0) return std::numeric_limits<double>::quiet_NaN();
  const VarianceComponents v = components(sums);
  if (!(v.within > 0)) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(var_plus(v) / v.within);
}

double ess_between_chains(const HalfSums& sums) {
  if (sums.halves < 2 || sums.unsummable > 0) return std::numeric_limits<double>::quiet_NaN();
  const VarianceComponents v = components(sums);
  const double m = static_cast<double>(sums.halves);
  if (!(v.var_means > 0)) return v.total;
  return std::min(v.total, m * var_plus(v) / v.var_means);
}

double split_rhat(const std::vector<ChainMoments>& halves) {
  return split_rhat(sums_of(halves, "split_rhat"));
}

double ess_between_chains(const std::vector<ChainMoments>& halves) {
  return ess_between_chains(sums_of(halves, "ess_between_chains"));
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
