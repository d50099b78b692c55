// Reweighted two-sample χ² over a grid of correction scales.
#include "analysis/correction_scan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace orbitmc {
namespace analysis {

namespace {

// Two-sample χ² between counts a (unweighted) and a weighted histogram (sum w, sum w² per bin),
// each normalised to a probability: Σ (p_a − p_w)² / (var_a + var_w), over bins with data.
double weighted_chi2(const std::vector<uint64_t>& a, const std::vector<double>& w,
                     const std::vector<double>& w2, double* dof, double* n_eff) {
  double na = 0, nw = 0, nw2 = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    na += static_cast<double>(a[k]);
    nw += w[k];
    nw2 += w2[k];
  }
  const double ess = nw * nw / nw2;  // Kish effective sample size of the weighted sample
  double chi2 = 0;
  int used = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] == 0 && w[k] == 0) continue;
    const double pa = a[k] / na, pw = w[k] / nw;
    const double var = a[k] / (na * na) + w2[k] / (nw * nw);
    if (var <= 0) continue;
    chi2 += (pa - pw) * (pa - pw) / var;
    ++used;
  }
  *dof = std::max(1, used - 1);
  *n_eff = na * ess / (na + ess);
  return chi2;
}

// Σ of weights in [0, 1] in units of 2^-90: exact, order-free, and room for 2^32 samples of
// weight 1 (2^122 < 2^127). Weights are taken relative to the largest of their bin, so only one
// below 2^-90 of its bin's largest counts as 0.
constexpr int kFixedBits = 90;
using Fixed = unsigned __int128;
constexpr int kDigits = 4;  // a Fixed as four 32-bit digits, for a reduction in int64

Fixed to_fixed(double w) { return static_cast<Fixed>(std::ldexp(w, kFixedBits)); }

// The value of digits summed over processes (each then below 2^56): carried first, so that the
// same total gives the same digits, and the same double, however it was split.
double from_digits(const int64_t* summed) {
  int64_t d[kDigits];
  std::copy(summed, summed + kDigits, d);
  for (int k = 0; k + 1 < kDigits; ++k) {
    d[k + 1] += d[k] >> 32;  // non-negative: a plain shift
    d[k] &= 0xffffffff;
  }
  double v = 0;  // ascending: every term exact; deterministic (not always correctly rounded)
  for (int k = 0; k < kDigits; ++k) v += std::ldexp(static_cast<double>(d[k]), 32 * k - kFixedBits);
  return v;
}

}  // namespace

CorrectionScan scan_correction(const std::vector<uint64_t>& reference, double lo, double hi,
                               const std::vector<ScanSource>& sources, double c_from, double c_to,
                               double c_step, const ScanReduce& reduce) {
  if (sources.empty()) throw std::invalid_argument("scan_correction: no constrained samples");
  if (!(lo < hi)) throw std::invalid_argument("scan_correction: need lo < hi");
  if (!(c_step > 0) || !(c_from < c_to))
    throw std::invalid_argument("scan_correction: need c_from < c_to and c_step > 0, got step " +
                                std::to_string(c_step));
  const int bins = static_cast<int>(reference.size());
  CorrectionScan scan;
  const int points = static_cast<int>(std::floor((c_to - c_from) / c_step + 1e-9)) + 1;
  std::vector<const ScanSource*> src(points);
  std::vector<double> f(points);
  for (int p = 0; p < points; ++p) {
    const double c = c_from + p * c_step;
    src[p] = &sources[0];
    for (const auto& s : sources)
      if (std::fabs(s.c - c) < std::fabs(src[p]->c - c)) src[p] = &s;
    f[p] = -0.5 * (c - src[p]->c);
  }
  // The bin of x, or -1 outside [lo, hi).
  const auto bin_of = [&](double v) {
    if (!(v >= lo && v < hi)) return -1;
    return std::min(bins - 1, static_cast<int>((v - lo) / (hi - lo) * bins));
  };
  // Per point: Σ w and Σ w² of every bin as digits, then the count of bad log weights.
  const size_t per_point = static_cast<size_t>(bins) * 2 * kDigits + 1;
  const size_t bad = per_point - 1;
  // The grid in chunks, so that the reduced vectors stay bounded (4 Mi words) for any grid.
  const int chunk = std::max(1, static_cast<int>((size_t{1} << 22) / per_point));
  std::vector<double> w(bins), w2(bins);
  for (int p0 = 0; p0 < points; p0 += chunk) {
    const int np = std::min(chunk, points - p0);
    // Per point and bin the largest log weight f·g (over every process's samples): weights
    // relative to it are at most 1, and no bin's weights vanish beside another bin's. A NaN or
    // +inf log weight makes the point's χ² NaN (counted in `bad`); -inf is a weight of 0.
    std::vector<double> top(static_cast<size_t>(np) * bins,
                            -std::numeric_limits<double>::infinity());
    std::vector<int64_t> sums(static_cast<size_t>(np) * per_point, 0);
    for (int q = 0; q < np; ++q) {
      const ScanSource& s = *src[p0 + q];
      for (size_t i = 0; i < s.x.size(); ++i) {
        const int b = bin_of(s.x[i]);
        if (b < 0) continue;
        const double lw = f[p0 + q] * s.log_det_g[i];
        if (std::isnan(lw) || lw == std::numeric_limits<double>::infinity())
          ++sums[static_cast<size_t>(q) * per_point + bad];
        else
          top[static_cast<size_t>(q) * bins + b] =
              std::max(top[static_cast<size_t>(q) * bins + b], lw);
      }
    }
    if (reduce.max) reduce.max(top);
    for (int q = 0; q < np; ++q) {
      const ScanSource& s = *src[p0 + q];
      std::vector<Fixed> fw(bins, 0), fw2(bins, 0);
      for (size_t i = 0; i < s.x.size(); ++i) {
        const int b = bin_of(s.x[i]);
        if (b < 0) continue;
        const double lw = f[p0 + q] * s.log_det_g[i];
        if (!(std::isfinite(lw))) continue;  // -inf: weight 0; NaN, +inf: counted above
        const double wi = std::exp(lw - top[static_cast<size_t>(q) * bins + b]);  // in (0, 1]
        fw[b] += to_fixed(wi);
        fw2[b] += to_fixed(wi * wi);
      }
      int64_t* out = &sums[static_cast<size_t>(q) * per_point];
      for (int b = 0; b < bins; ++b)
        for (int k = 0; k < kDigits; ++k) {
          out[(2 * b) * kDigits + k] =
              static_cast<int64_t>(static_cast<uint64_t>(fw[b] >> (32 * k)) & 0xffffffffu);
          out[(2 * b + 1) * kDigits + k] =
              static_cast<int64_t>(static_cast<uint64_t>(fw2[b] >> (32 * k)) & 0xffffffffu);
        }
    }
    if (reduce.sum) reduce.sum(sums);
    for (int q = 0; q < np; ++q) {
      const int64_t* in = &sums[static_cast<size_t>(q) * per_point];
      const double* t = &top[static_cast<size_t>(q) * bins];
      const double peak = *std::max_element(t, t + bins);
      for (int b = 0; b < bins; ++b) {
        // Back to one scale for every bin: the weights relative to the point's largest.
        const double scale = std::isfinite(t[b]) ? std::exp(t[b] - peak) : 0.0;
        w[b] = from_digits(in + (2 * b) * kDigits) * scale;
        w2[b] = from_digits(in + (2 * b + 1) * kDigits) * scale * scale;
      }
      double dof = 0, n_eff = 0;
      double chi2 = weighted_chi2(reference, w, w2, &dof, &n_eff);
      if (in[bad] > 0 || !std::isfinite(peak)) chi2 = NAN;  // a NaN or +inf log weight
      scan.c.push_back(c_from + (p0 + q) * c_step);
      scan.chi2.push_back(chi2);
      scan.distance.push_back((chi2 - dof) / n_eff);
      scan.distance_err.push_back(std::sqrt(2 * dof) / n_eff);
      scan.dof = dof;
    }
  }
  // The smallest χ² (a NaN, from non-finite log det G, is never the minimum).
  size_t m = 0;
  for (size_t i = 1; i < scan.chi2.size(); ++i)
    if (std::isnan(scan.chi2[m]) || scan.chi2[i] < scan.chi2[m]) m = i;
  scan.c_min = scan.c[m];
  if (m > 0 && m + 1 < scan.c.size()) {  // vertex of the parabola through the three points
    const double y0 = scan.chi2[m - 1], y1 = scan.chi2[m], y2 = scan.chi2[m + 1];
    const double den = y0 - 2 * y1 + y2;
    if (den > 0) scan.c_min = scan.c[m] + 0.5 * c_step * (y0 - y2) / den;
  }
  const double level = scan.chi2[m] + 3.84;
  scan.ci_lo = scan.c.front();
  scan.ci_hi = scan.c.back();
  bool found_lo = false, found_hi = false;
  for (size_t i = m; i > 0; --i)
    if (scan.chi2[i - 1] > level) {
      const double t = (level - scan.chi2[i]) / (scan.chi2[i - 1] - scan.chi2[i]);
      scan.ci_lo = scan.c[i] - t * c_step;
      found_lo = true;
      break;
    }
  for (size_t i = m; i + 1 < scan.c.size(); ++i)
    if (scan.chi2[i + 1] > level) {
      const double t = (level - scan.chi2[i]) / (scan.chi2[i + 1] - scan.chi2[i]);
      scan.ci_hi = scan.c[i] + t * c_step;
      found_hi = true;
      break;
    }
  scan.bracketed = found_lo && found_hi;
  return scan;
}

}  // namespace analysis
}  // namespace orbitmc
