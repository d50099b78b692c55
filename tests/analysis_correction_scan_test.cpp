// The correction-scale scan over split samples: its weighted histograms are
// fixed-point sums, so the scan of samples split between processes (three threads standing for
// MPI ranks, joined by the ScanReduce the ranks use) is the scan of all of them, bit for bit;
// and it is the scan computed directly in doubles to rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "analysis/correction_scan.hpp"

namespace orbitmc::analysis {
namespace {

// Threads that meet to reduce vectors element-wise, as MPI_Allreduce does for ranks.
class FakeRanks {
 public:
  explicit FakeRanks(int n) : n_(n) {}
  template <class T, class Op>
  void all_reduce(std::vector<T>& v, Op op) {
    std::unique_lock<std::mutex> lock(m_);
    const long round = round_;
    if (arrived_ == 0) {
      acc_.assign(v.size(), 0);
      for (size_t i = 0; i < v.size(); ++i) acc_[i] = static_cast<long double>(v[i]);
    }
    if (arrived_ > 0)
      for (size_t i = 0; i < v.size(); ++i)
        acc_[i] = static_cast<long double>(op(static_cast<T>(acc_[i]), v[i]));
    if (++arrived_ == n_) {
      arrived_ = 0;
      result_ = acc_;
      ++round_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return round_ != round; });
    }
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(result_[i]);
  }

 private:
  int n_;
  std::mutex m_;
  std::condition_variable cv_;
  int arrived_ = 0;
  long round_ = 0;
  std::vector<long double> acc_, result_;  // exact for the int64 digits (< 2^56) and doubles
};

struct Samples {
  std::vector<ScanSource> sources;
  std::vector<uint64_t> reference;
};

Samples make_samples(int n) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 2.0), g(-3.0, 1.0);
  Samples s;
  for (double c : {0.0, 1.0}) {
    ScanSource src;
    src.c = c;
    for (int i = 0; i < n; ++i) {
      src.x.push_back(u(rng));
      src.log_det_g.push_back(g(rng));
    }
    s.sources.push_back(src);
  }
  s.reference.assign(20, static_cast<uint64_t>(n / 20));
  return s;
}

TEST(CorrectionScan, SplitBetweenRanksIsTheWholeScanBitForBit) {
  const Samples all = make_samples(3000);
  const CorrectionScan whole =
      scan_correction(all.reference, 0.0, 2.0, all.sources, -1.0, 3.0, 0.1);
  FakeRanks ranks(3);
  std::vector<CorrectionScan> scans(3);
  std::vector<std::thread> threads;
  for (int r = 0; r < 3; ++r)
    threads.emplace_back([&, r] {
      std::vector<ScanSource> mine = all.sources;
      for (auto& s : mine) {  // rank 0 holds no sample at all, ranks 1 and 2 a third and the rest
        const size_t cut[] = {0, 0, s.x.size() / 3, s.x.size()};
        const size_t lo = cut[r], hi = cut[r + 1];
        s.x = std::vector<double>(s.x.begin() + lo, s.x.begin() + hi);
        s.log_det_g = std::vector<double>(s.log_det_g.begin() + lo, s.log_det_g.begin() + hi);
      }
      const ScanReduce reduce{[&](std::vector<double>& v) {
                                ranks.all_reduce(v,
                                                 [](double a, double b) { return std::max(a, b); });
                              },
                              [&](std::vector<int64_t>& v) {
                                ranks.all_reduce(v, [](int64_t a, int64_t b) { return a + b; });
                              }};
      scans[r] = scan_correction(all.reference, 0.0, 2.0, mine, -1.0, 3.0, 0.1, reduce);
    });
  for (auto& t : threads) t.join();
  for (const auto& s : scans) {
    EXPECT_EQ(s.chi2, whole.chi2);
    EXPECT_EQ(s.c_min, whole.c_min);
    EXPECT_EQ(s.ci_lo, whole.ci_lo);
    EXPECT_EQ(s.dof, whole.dof);
  }
}

// The direct double computation of the χ² at c (a global largest log weight; doubles reach
// far below the fixed point's 2^-90, so this is the reference).
double direct_chi2(const Samples& all, double c) {
  const ScanSource& src = std::fabs(c - all.sources[0].c) <= std::fabs(c - all.sources[1].c)
                              ? all.sources[0]
                              : all.sources[1];
  const double f = -0.5 * (c - src.c);
  double top = -std::numeric_limits<double>::infinity();  // over the window: χ² is scale-free
  for (size_t i = 0; i < src.x.size(); ++i)
    if (src.x[i] >= 0.0 && src.x[i] < 2.0) top = std::max(top, f * src.log_det_g[i]);
  std::vector<double> w(20, 0.0), w2(20, 0.0);
  for (size_t i = 0; i < src.x.size(); ++i) {
    if (!(src.x[i] >= 0.0 && src.x[i] < 2.0)) continue;
    const int b = std::min(19, static_cast<int>(src.x[i] / 2.0 * 20));
    const double wi = std::exp(f * src.log_det_g[i] - top);
    w[b] += wi;
    w2[b] += wi * wi;
  }
  double na = 0, nw = 0, chi2 = 0;
  for (int b = 0; b < 20; ++b) na += all.reference[b], nw += w[b];
  for (int b = 0; b < 20; ++b) {
    const double pa = all.reference[b] / na, pw = w[b] / nw;
    const double var = all.reference[b] / (na * na) + w2[b] / (nw * nw);
    if (var > 0) chi2 += (pa - pw) * (pa - pw) / var;
  }
  return chi2;
}

// The scan has `points` grid points, each χ² the direct double computation's to a relative `tol`.
void expect_direct_chi2(const Samples& all, const CorrectionScan& scan, size_t points, double tol) {
  ASSERT_EQ(scan.chi2.size(), points);
  for (size_t p = 0; p < points; ++p)
    EXPECT_NEAR(scan.chi2[p], direct_chi2(all, scan.c[p]), tol * direct_chi2(all, scan.c[p]))
        << "c = " << scan.c[p];
}

TEST(CorrectionScan, IsTheDirectDoubleComputationToRounding) {
  const Samples all = make_samples(2000);
  const CorrectionScan scan = scan_correction(all.reference, 0.0, 2.0, all.sources, 0.0, 1.0, 0.5);
  expect_direct_chi2(all, scan, 3, 1e-10);
}

// A heavy sample outside the window and a wide spread of log weights inside it: weights relative
// to the largest of all would fall below the fixed point's 2^-90; relative to their bin's largest
// they do not, and the scan is the double computation still.
TEST(CorrectionScan, LogWeightsSpreadFarBeyondTheFixedPointStayExact) {
  Samples all = make_samples(2000);
  for (auto& s : all.sources) {
    // Log weights from 0 down to -320 across the window (e^-320: far below 2^-90 of the largest).
    for (size_t i = 0; i < s.x.size(); ++i) s.log_det_g[i] = -40.0 * s.x[i] * s.x[i] * s.x[i];
    s.x.push_back(5.0);  // outside [0, 2): counted nowhere, but the largest log weight at c < 0
    s.log_det_g.push_back(400.0);
  }
  const CorrectionScan scan = scan_correction(all.reference, 0.0, 2.0, all.sources, -2.0, 1.0, 1.0);
  expect_direct_chi2(all, scan, 4, 1e-9);
}

TEST(CorrectionScan, ANonFiniteLogDetGMakesItsPointsNaNAndIsNeverTheMinimum) {
  Samples all = make_samples(500);
  all.sources[1].log_det_g[7] = NAN;  // in the window (x in [0, 2)): the points using c_src = 1
  const CorrectionScan scan = scan_correction(all.reference, 0.0, 2.0, all.sources, 0.0, 1.0, 0.25);
  ASSERT_EQ(scan.chi2.size(), 5u);
  EXPECT_TRUE(std::isfinite(scan.chi2[0]));  // c = 0, 0.25 reweight the c_src = 0 samples
  EXPECT_TRUE(std::isfinite(scan.chi2[1]));
  for (size_t p = 3; p < 5; ++p) EXPECT_TRUE(std::isnan(scan.chi2[p])) << scan.c[p];
  EXPECT_TRUE(std::isfinite(scan.c_min));
  EXPECT_LE(scan.c_min, 0.5);
}

}  // namespace
}  // namespace orbitmc::analysis
