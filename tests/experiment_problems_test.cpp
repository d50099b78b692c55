// The experiments' per-seed problems and starts against small hand-computed cases (the
// documented draw order of SeedDraws), the truths' stated properties, the mask probability, and
// the ensemble summaries (quantiles, Wilson interval, log schedule, eigenvalues).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "analysis/ensemble_summary.hpp"
#include "analysis/symmetric_eigen.hpp"
#include "experiment/experiment_registry.hpp"
#include "experiment/experiment_report.hpp"
#include "experiment/experiment_runner.hpp"

namespace orbitmc {
namespace {

constexpr double kTwoPi = 6.283185307179586;

std::unique_ptr<Experiment> make(const std::string& name, const nlohmann::json& overrides) {
  const ExperimentEntry& e = find_experiment(name, "test");
  Settings s(e.defaults());
  for (auto it = overrides.begin(); it != overrides.end(); ++it)
    s.set(it.key(), it.value(), "test");
  return e.make(s);
}

std::vector<double> problem(const Experiment& ex, uint64_t seed, uint32_t index) {
  std::vector<double> p(ex.problem_words());
  SeedDraws d(seed, index, DrawPurpose::kProblem);
  ex.make_problem(d, p.data());
  return p;
}

TEST(SeedDraws, PureFunctionOfSeedIndexAndPurpose) {
  SeedDraws a(5, 3, DrawPurpose::kProblem), b(5, 3, DrawPurpose::kProblem);
  SeedDraws c(5, 4, DrawPurpose::kProblem), d(5, 3, DrawPurpose::kInit);
  for (int i = 0; i < 10; ++i) {
    const double x = a.normal();
    EXPECT_EQ(x, b.normal());
    EXPECT_NE(x, c.normal());
    EXPECT_NE(x, d.normal());
  }
  SeedDraws u(5, 3, DrawPurpose::kProblem);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) {
    const double x = u.uniform();
    ASSERT_GT(x, 0.0);
    ASSERT_LE(x, 1.0);
    sum += x;
  }
  EXPECT_NEAR(sum / 20000, 0.5, 5 * std::sqrt(1.0 / 12 / 20000));
}

TEST(ExperimentProblems, ReluTeacherDataAndUnbalancedStartByHand) {
  auto ex = make("relu", {{"units", 2}, {"input_dim", 1}, {"points", 2}, {"test_points", 1}});
  const std::vector<double> p = problem(*ex, 11, 7);
  ASSERT_EQ(p.size(), 4u + 4u + 2u);  // teacher a, w (2 + 2); train x, y (2 + 2); test x, y
  SeedDraws d(11, 7, DrawPurpose::kProblem);
  double t[4];
  for (double& x : t) x = 1.5 * d.normal();
  auto teacher = [&](double x) {
    return t[0] * std::max(t[2] * x, 0.0) + t[1] * std::max(t[3] * x, 0.0);
  };
  for (int k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(p[k], t[k]);
  const double x0 = d.normal(), x1 = d.normal();
  const double y0 = teacher(x0) + 0.1 * d.normal(), y1 = teacher(x1) + 0.1 * d.normal();
  EXPECT_DOUBLE_EQ(p[4], x0);
  EXPECT_DOUBLE_EQ(p[5], x1);
  EXPECT_DOUBLE_EQ(p[6], y0);
  EXPECT_DOUBLE_EQ(p[7], y1);
  const double xt = d.normal();
  EXPECT_DOUBLE_EQ(p[8], xt);
  EXPECT_DOUBLE_EQ(p[9], teacher(xt));  // the test targets are noiseless

  // Start: unit j draws w_j then a_j, N(0, 0.05²); w_j · s_j and a_j / s_j, s = e^{∓1.2}.
  const Variant v = ex->variants()[0];
  std::vector<double> th(v.layout.dim());
  SeedDraws di(11, 7, DrawPurpose::kInit);
  ex->init(v, di, th.data());
  SeedDraws e(11, 7, DrawPurpose::kInit);
  const double s0 = std::exp(-1.2), s1 = std::exp(1.2);
  const double w0 = 0.05 * e.normal(), a0 = 0.05 * e.normal();
  const double w1 = 0.05 * e.normal(), a1 = 0.05 * e.normal();
  EXPECT_DOUBLE_EQ(th[v.layout.v(0, 0)], w0 * s0);
  EXPECT_DOUBLE_EQ(th[v.layout.u(0, 0)], a0 / s0);
  EXPECT_DOUBLE_EQ(th[v.layout.v(1, 0)], w1 * s1);
  EXPECT_DOUBLE_EQ(th[v.layout.u(1, 0)], a1 / s1);
}

TEST(ExperimentProblems, SpectralTruthIsSparseAndTargetsAreItsCosineSeries) {
  auto ex = make("spectral",
                 {{"coefficients", 8}, {"points", 5}, {"test_points", 3}, {"label_noise", 0.0}});
  for (uint32_t seed = 0; seed < 20; ++seed) {
    const std::vector<double> p = problem(*ex, 3, seed);
    const double* t = p.data();
    const double* c = p.data() + 5;
    const double* y = p.data() + 13;
    int nonzero = 0;
    EXPECT_EQ(c[0], 0.0);  // k = 0 is never in the support
    for (int k = 0; k < 8; ++k)
      if (c[k] != 0) {
        ++nonzero;
        EXPECT_GE(std::fabs(c[k]), 1.0);
        EXPECT_LE(std::fabs(c[k]), 2.0);
      }
    EXPECT_EQ(nonzero, 3);
    for (int i = 0; i < 5; ++i) {
      double f = 0;
      for (int k = 0; k < 8; ++k) f += c[k] * std::cos(kTwoPi * k * t[i]);
      EXPECT_NEAR(y[i], f, 1e-12);
      EXPECT_GT(t[i], 0.0);
      EXPECT_LE(t[i], 1.0);
    }
  }
}

TEST(ExperimentProblems, TvTruthIsThePapersSignalAndTargetsAreItsMeasurements) {
  auto ex = make("tv", {{"measurements", 4}, {"label_noise", 0.0}});
  const std::vector<double> p = problem(*ex, 3, 1);
  ASSERT_EQ(p.size(), 4u * 201u);
  // The paper's segments: 1.0 on 0..49, −1.5 on 50..119, 0.5 on 120..159, 2.0 on 160..199;
  // total variation 2.5 + 2 + 1.5 = 6.
  std::vector<double> s(200);
  for (int i = 0; i < 200; ++i) s[i] = i < 50 ? 1.0 : i < 120 ? -1.5 : i < 160 ? 0.5 : 2.0;
  double col2 = 0;
  for (int i = 0; i < 4; ++i) {
    double f = 0;
    for (int j = 0; j < 200; ++j) {
      f += p[i * 200 + j] * s[j];
      col2 += p[i * 200 + j] * p[i * 200 + j];
    }
    EXPECT_NEAR(p[800 + i], f, 1e-12);
  }
  // A = N(0, 1)/sqrt(4): E Σ A² = 200 over the 4 × 200 entries (sd sqrt(2 · 800)/4 = 10).
  EXPECT_NEAR(col2, 200.0, 50.0);
}

TEST(ExperimentProblems, MatcompTruthHasTheStatedSpectrumAndTheMaskItsProbability) {
  auto ex = make("matcomp", {});
  double observed = 0, entries = 0;
  for (uint32_t seed = 0; seed < 50; ++seed) {
    const std::vector<double> p = problem(*ex, 9, seed);
    const std::vector<double> m(p.begin(), p.begin() + 400);
    const std::vector<double> sv = analysis::singular_values(m, 20, 20);
    EXPECT_NEAR(sv[0], 15.0, 1e-9);
    EXPECT_NEAR(sv[1], 5.0, 1e-9);
    EXPECT_NEAR(sv[2], 0.0, 1e-6);
    for (int e = 0; e < 400; ++e) {
      EXPECT_TRUE(p[400 + e] == 0.0 || p[400 + e] == 1.0);
      observed += p[400 + e];
      entries += 1;
    }
  }
  // 20 000 entries observed with probability 0.2: within 5 standard errors.
  EXPECT_NEAR(observed / entries, 0.2, 5 * std::sqrt(0.2 * 0.8 / entries));
}

TEST(EnsembleSummary, QuantilesAsNumpyAndWilsonInterval) {
  const analysis::Band b = analysis::band({4, 1, 3, 2, NAN, 5});
  EXPECT_EQ(b.count, 5u);
  EXPECT_DOUBLE_EQ(b.median, 3.0);
  EXPECT_DOUBLE_EQ(b.q05, 1.2);  // numpy.quantile([1..5], 0.05) = 1 + 0.05·4
  EXPECT_DOUBLE_EQ(b.q95, 4.8);
  const analysis::Interval all = analysis::wilson_interval(16, 16);
  EXPECT_NEAR(all.lo, 0.8064, 1e-4);
  EXPECT_DOUBLE_EQ(all.hi, 1.0);
  const analysis::Interval none = analysis::wilson_interval(0, 3);
  EXPECT_EQ(none.lo, 0.0);  // exactly, not a rounding residue
  EXPECT_NEAR(none.hi, 0.5615, 1e-4);
  const analysis::Interval half = analysis::wilson_interval(50, 100);
  EXPECT_NEAR(half.lo, 0.4038, 1e-4);
  EXPECT_NEAR(half.hi, 0.5962, 1e-4);
}

// band() selects its order statistics (std::nth_element) instead of sorting: the same values
// bit for bit as the sorted rule, for sizes where 0.05·(n−1) and 0.95·(n−1) fall on and between
// order statistics, with ties, ±0, infinities and NaNs (left out) in the input.
TEST(EnsembleSummary, SelectedQuantilesAreTheSortedRulesBitForBit) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal;
  for (size_t n : {1u, 2u, 3u, 20u, 21u, 101u, 1000u, 1001u, 4097u}) {
    for (int kind = 0; kind < 3; ++kind) {
      std::vector<double> v(n);
      for (double& x : v)
        x = kind == 0 ? normal(gen) : kind == 1 ? std::round(3 * normal(gen)) : 0.0;
      if (kind == 2 && n > 2) v[1] = -0.0, v[2] = 1e300;
      std::vector<double> with_gaps = v;
      with_gaps.push_back(NAN);
      with_gaps.insert(with_gaps.begin(), INFINITY);
      std::vector<double> sorted = v;
      std::sort(sorted.begin(), sorted.end());
      const analysis::Band b = analysis::band(with_gaps);
      EXPECT_EQ(b.count, n);
      EXPECT_EQ(b.q05, analysis::quantile_sorted(sorted, 0.05)) << n << " " << kind;
      EXPECT_EQ(b.median, analysis::quantile_sorted(sorted, 0.5)) << n << " " << kind;
      EXPECT_EQ(b.q95, analysis::quantile_sorted(sorted, 0.95)) << n << " " << kind;
    }
  }
  const analysis::Band none = analysis::band({NAN, INFINITY});
  EXPECT_EQ(none.count, 0u);
  EXPECT_TRUE(std::isnan(none.median));
}

TEST(EnsembleSummary, SymmetricEigenvaluesOfAKnownMatrix) {
  // [[2, 1, 0], [1, 2, 1], [0, 1, 2]]: eigenvalues 2 + √2, 2, 2 − √2.
  const std::vector<double> ev = analysis::symmetric_eigenvalues({2, 1, 0, 1, 2, 1, 0, 1, 2}, 3);
  EXPECT_NEAR(ev[0], 2 + std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(ev[1], 2.0, 1e-12);
  EXPECT_NEAR(ev[2], 2 - std::sqrt(2.0), 1e-12);
}

#if ORBITMC_HAVE_CUDA
// The GPU memory check asks a job of one seed what it will allocate (no device needed to ask):
// relu's sgd job holds the teacher (16 + 16·3 floats), θ (64), three work vectors (192), the
// scratch of one minibatch (16 + 8·4), 16 blocks × BalanceTally::kWords tallies and the loss
// sum in double, and the counters;
// spectral's gd job holds its design matrix (32 × 64) and targets, far more than the problem's
// 2·32 + 64 + 10 000 test points would suggest per coefficient of θ.
TEST(ExperimentRunner, CudaJobsReportWhatTheyAllocatePerSeed) {
  auto relu = make("relu", nlohmann::json::object());
  const std::vector<double> pr = problem(*relu, 1, 0);
  const JobContext sgd{NoiseModel::kSgd, 1e4, 1, 1, 1, true};
  EXPECT_EQ(relu->job(relu->variants()[0], sgd, pr.data())->device_bytes_per_seed(),
            4u * (64 + 64 + 192 + 48) + 8u * (16 * BalanceTally::kWords + 1) + 12);
  auto spectral = make("spectral", {{"test_points", 1}});
  const std::vector<double> ps = problem(*spectral, 1, 0);
  const JobContext gd{NoiseModel::kGd, 1e4, 1, 1, 1, true};
  for (const Variant& v : spectral->variants())
    EXPECT_GT(spectral->job(v, gd, ps.data())->device_bytes_per_seed(),
              4u * (32u * 64 + 32) + 4u * 4 * v.layout.dim())
        << v.name;
  const JobContext cpu{NoiseModel::kGd, 1e4, 1, 1, 1, false};
  EXPECT_EQ(spectral->job(spectral->variants()[0], cpu, ps.data())->device_bytes_per_seed(), 0u);
}
#endif

// The identity verdict of gd and sgd at each of its branches and their edges.
TEST(ExperimentReport, IdentityVerdictAtEachBranch) {
  auto check = [](double per_step, double predicted, double missed, double walk) {
    BalanceCheck b;
    b.has_blocks = true;
    b.identity_max_relative = per_step;
    b.change_predicted = predicted;
    b.change_missed = missed;
    b.rounding_walk = walk;
    return identity_verdict(b);
  };
  EXPECT_EQ(check(1.2e-7, 1e-3, 1e-6, 1e-6), "holds");    // the change far above the walk
  EXPECT_EQ(check(1.2e-7, 1e-3, 4.9e-6, 1e-6), "holds");  // missed just within 5 walks
  EXPECT_EQ(check(1.2e-7, 1e-3, 9e-7, 1e-9), "holds");    // within 1e-3 of the change
  EXPECT_EQ(check(1.2e-7, 4.9e-6, 1e-6, 1e-6), "holds to rounding");  // the change < 5 walks
  EXPECT_EQ(check(1.2e-7, 1e-7, 7e-6, 1e-6), "rounding drift");       // missed beyond 5 walks
  EXPECT_EQ(check(1.1e-6, 1e-3, 1e-6, 1e-6), "does not hold");        // one step beyond 1e-6
  EXPECT_EQ(check(NAN, 1e-3, 1e-6, 1e-6), "does not hold");           // a NaN step
  EXPECT_EQ(check(NAN, NAN, NAN, NAN), "undetermined");               // every seed diverged
}

TEST(ExperimentReport, BalanceVerdictFollowsTheRatioOfMeanAbsImbalances) {
  auto verdict = [](double start, double end) {
    BalanceCheck b;
    b.has_blocks = true;
    b.imbalance_start = start;
    b.imbalance_end = end;
    return balance_verdict(b);
  };
  EXPECT_EQ(verdict(1.0, 0.4), "balances");
  EXPECT_EQ(verdict(1.0, 0.8), "balances partly");
  EXPECT_EQ(verdict(1.0, 1.05), "keeps its imbalance");
  EXPECT_EQ(verdict(1.0, 1.5), "moves away from balance");
  EXPECT_EQ(verdict(NAN, 1.0), "undetermined");
}

TEST(ExperimentRunner, LogScheduleKeepsMultiplesOfTheIntervalAndTheLastStep) {
  const std::vector<uint64_t> a = log_schedule(40000, 10, 401);  // relu's, at the default
  ASSERT_EQ(a.size(), 401u);
  EXPECT_EQ(a[1], 100u);
  EXPECT_EQ(a.back(), 40000u);
  const std::vector<uint64_t> b = log_schedule(1050, 100, 401);
  EXPECT_EQ(b, (std::vector<uint64_t>{0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1050}));
  EXPECT_EQ(log_schedule(100, 1000, 401), (std::vector<uint64_t>{0, 100}));
  EXPECT_EQ(log_schedule(40000, 10, 2), (std::vector<uint64_t>{0, 40000}));
  // "At most max_points", step 0 and the last step counted: the smallest multiple of log_every
  // that fits, whatever the remainder of steps.
  for (uint64_t steps : {1u, 7u, 999u, 1000u, 1001u, 40000u, 500001u})
    for (uint64_t every : {1u, 3u, 10u, 5000u})
      for (uint64_t most : {2u, 3u, 10u, 100u, 401u}) {
        const std::vector<uint64_t> s = log_schedule(steps, every, most);
        ASSERT_GE(s.size(), 2u);
        EXPECT_LE(s.size(), most) << steps << " " << every << " " << most;
        EXPECT_EQ(s.front(), 0u);
        EXPECT_EQ(s.back(), steps);
        const uint64_t interval = s.size() > 2 ? s[1] : steps;
        for (size_t k = 1; k + 1 < s.size(); ++k) {
          EXPECT_EQ(s[k], k * interval);
          EXPECT_EQ(s[k] % every, 0u);
        }
        if (s.size() > 2) {  // and no smaller multiple would have fitted
          const uint64_t smaller = interval - every;
          if (smaller > 0) EXPECT_GT(1 + (steps + smaller - 1) / smaller, most);
        }
      }
}

}  // namespace
}  // namespace orbitmc
