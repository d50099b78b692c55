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

// Arguments that leave nothing to scan are a caller's mistake: thrown, not reported.
void check_scan_arguments(const std::vector<ScanSource>& sources, double lo, double hi,
                          double c_from, double c_to, double c_step) {
  if (sources.empty()) throw std::invalid_argument("scan_correction: no constrained samples");
  if (!(lo < hi)) throw std::invalid_argument("scan_correction: need lo < hi");
  if (!(c_step > 0) || !(c_from < c_to))
    throw std::invalid_argument("scan_correction: need c_from < c_to and c_step > 0, got step " +
                                std::to_string(c_step));
}

// The histogram's window [lo, hi) in `bins` bins.
struct Window {
  double lo, hi;
  int bins;
  // The bin of v, or -1 outside [lo, hi).
  int bin_of(double v) const {
    if (!(v >= lo && v < hi)) return -1;
    return std::min(bins - 1, static_cast<int>((v - lo) / (hi - lo) * bins));
  }
};

// A point c of the grid: the source drawn nearest it, reweighted by exp(f · log det G) with
// f = −(c − c_src)/2.
struct GridPoint {
  const ScanSource* src;
  double f;
};

// Every point of the grid, c_from + p·c_step, with its source and factor.
std::vector<GridPoint> grid_points(const std::vector<ScanSource>& sources, double c_from,
                                   double c_step, int points) {
  std::vector<GridPoint> grid(points);
  for (int p = 0; p < points; ++p) {
    const double c = c_from + p * c_step;
    const ScanSource* src = &sources[0];
    for (const auto& s : sources)
      if (std::fabs(s.c - c) < std::fabs(src->c - c)) src = &s;
    grid[p] = {src, -0.5 * (c - src->c)};
  }
  return grid;
}

// One chunk of the grid, its points [p0, p0 + np), as the processes reduce it: per point and bin
// the largest log weight (top); per point Σ w and Σ w² of every bin as digits, then the count of
// bad log weights (sums, per_point words a point).
struct Chunk {
  int p0, np;
  size_t per_point;
  std::vector<double> top;
  std::vector<int64_t> sums;
  size_t bad() const { return per_point - 1; }  // the word of a point's bad log weights
};

// Per point and bin the largest log weight f·g (over every process's samples): weights
// relative to it are at most 1, and no bin's weights vanish beside another bin's. A NaN or
// +inf log weight makes the point's χ² NaN (counted in `bad`); -inf is a weight of 0.
void find_largest_log_weights(const std::vector<GridPoint>& grid, const Window& win, Chunk& ch) {
  for (int q = 0; q < ch.np; ++q) {
    const GridPoint& g = grid[ch.p0 + q];
    for (size_t i = 0; i < g.src->x.size(); ++i) {
      const int b = win.bin_of(g.src->x[i]);
      if (b < 0) continue;
      const double lw = g.f * g.src->log_det_g[i];
      double& top = ch.top[static_cast<size_t>(q) * win.bins + b];
      if (std::isnan(lw) || lw == std::numeric_limits<double>::infinity())
        ++ch.sums[static_cast<size_t>(q) * ch.per_point + ch.bad()];
      else
        top = std::max(top, lw);
    }
  }
}

// Per point and bin Σ w and Σ w² of this process's samples, each weight relative to the bin's
// largest, as the 32-bit digits of fixed-point sums.
void sum_weights(const std::vector<GridPoint>& grid, const Window& win, Chunk& ch) {
  for (int q = 0; q < ch.np; ++q) {
    const GridPoint& g = grid[ch.p0 + q];
    std::vector<Fixed> fw(win.bins, 0), fw2(win.bins, 0);
    for (size_t i = 0; i < g.src->x.size(); ++i) {
      const int b = win.bin_of(g.src->x[i]);
      if (b < 0) continue;
      const double lw = g.f * g.src->log_det_g[i];
      if (!(std::isfinite(lw))) continue;  // -inf: weight 0; NaN, +inf: counted above
      const double wi = std::exp(lw - ch.top[static_cast<size_t>(q) * win.bins + b]);  // in (0, 1]
      fw[b] += to_fixed(wi);
      fw2[b] += to_fixed(wi * wi);
    }
    int64_t* out = &ch.sums[static_cast<size_t>(q) * ch.per_point];
    for (int b = 0; b < win.bins; ++b)
      for (int k = 0; k < kDigits; ++k) {
        out[(2 * b) * kDigits + k] =
            static_cast<int64_t>(static_cast<uint64_t>(fw[b] >> (32 * k)) & 0xffffffffu);
        out[(2 * b + 1) * kDigits + k] =
            static_cast<int64_t>(static_cast<uint64_t>(fw2[b] >> (32 * k)) & 0xffffffffu);
      }
  }
}

// The χ² of each point of the reduced chunk against the reference, appended to the scan.
void append_chi2(const std::vector<uint64_t>& reference, const Window& win, const Chunk& ch,
                 double c_from, double c_step, CorrectionScan& scan) {
  std::vector<double> w(win.bins), w2(win.bins);
  for (int q = 0; q < ch.np; ++q) {
    const int64_t* in = &ch.sums[static_cast<size_t>(q) * ch.per_point];
    const double* t = &ch.top[static_cast<size_t>(q) * win.bins];
    const double peak = *std::max_element(t, t + win.bins);
    for (int b = 0; b < win.bins; ++b) {
      // Back to one scale for every bin: the weights relative to the point's largest.
      const double scale = std::isfinite(t[b]) ? std::exp(t[b] - peak) : 0.0;
      w[b] = from_digits(in + (2 * b) * kDigits) * scale;
      w2[b] = from_digits(in + (2 * b + 1) * kDigits) * scale * scale;
    }
    double dof = 0, n_eff = 0;
    double chi2 = weighted_chi2(reference, w, w2, &dof, &n_eff);
    if (in[ch.bad()] > 0 || !std::isfinite(peak)) chi2 = NAN;  // a NaN or +inf log weight
    scan.c.push_back(c_from + (ch.p0 + q) * c_step);
    scan.chi2.push_back(chi2);
    scan.distance.push_back((chi2 - dof) / n_eff);
    scan.distance_err.push_back(std::sqrt(2 * dof) / n_eff);
    scan.dof = dof;
  }
}

// The index of the smallest χ² (a NaN, from non-finite log det G, is never the minimum).
size_t smallest_chi2(const CorrectionScan& scan) {
  size_t m = 0;
  for (size_t i = 1; i < scan.chi2.size(); ++i)
    if (std::isnan(scan.chi2[m]) || scan.chi2[i] < scan.chi2[m]) m = i;
  return m;
}

// c_min: grid point m, refined to the vertex of the parabola through it and its neighbours.
void locate_minimum(CorrectionScan& scan, size_t m, double c_step) {
  scan.c_min = scan.c[m];
  if (m > 0 && m + 1 < scan.c.size()) {
    const double y0 = scan.chi2[m - 1], y1 = scan.chi2[m], y2 = scan.chi2[m + 1];
    const double den = y0 - 2 * y1 + y2;
    if (den > 0) scan.c_min = scan.c[m] + 0.5 * c_step * (y0 - y2) / den;
  }
}

// The interval where χ² stays within 3.84 (95 %) of its minimum at m, interpolated between grid
// points; the ends of the grid where it does not rise that far.
void confidence_interval(CorrectionScan& scan, size_t m, double c_step) {
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
}

}  // namespace

CorrectionScan scan_correction(const std::vector<uint64_t>& reference, double lo, double hi,
                               const std::vector<ScanSource>& sources, double c_from, double c_to,
                               double c_step, const ScanReduce& reduce) {
  check_scan_arguments(sources, lo, hi, c_from, c_to, c_step);
  const Window win{lo, hi, static_cast<int>(reference.size())};
  const int points = static_cast<int>(std::floor((c_to - c_from) / c_step + 1e-9)) + 1;
  const std::vector<GridPoint> grid = grid_points(sources, c_from, c_step, points);
  const size_t per_point = static_cast<size_t>(win.bins) * 2 * kDigits + 1;
  // The grid in chunks, so that the reduced vectors stay bounded (4 Mi words) for any grid.
  const int chunk = std::max(1, static_cast<int>((size_t{1} << 22) / per_point));
  CorrectionScan scan;
  for (int p0 = 0; p0 < points; p0 += chunk) {
    const int np = std::min(chunk, points - p0);
    Chunk ch{p0, np, per_point,
             std::vector<double>(static_cast<size_t>(np) * win.bins,
                                 -std::numeric_limits<double>::infinity()),
             std::vector<int64_t>(static_cast<size_t>(np) * per_point, 0)};
    find_largest_log_weights(grid, win, ch);
    if (reduce.max) reduce.max(ch.top);
    sum_weights(grid, win, ch);
    if (reduce.sum) reduce.sum(ch.sums);
    append_chi2(reference, win, ch, c_from, c_step, scan);
  }
  const size_t m = smallest_chi2(scan);
  locate_minimum(scan, m, c_step);
  confidence_interval(scan, m, c_step);
  return scan;
}

}  // namespace analysis
}  // namespace orbitmc
