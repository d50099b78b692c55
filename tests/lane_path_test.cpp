// The CPU's vector path (one chain per SIMD lane) against its scalar path: the same
// per-chain functors on a batch type and on a float. For every instruction set this build and
// CPU offer, every sampler over every model agrees with the scalar path on a few steps to float
// rounding, counters included, through the backend (observations, padding lanes, thread split)
// and directly for the per-step data each chain draws for itself (relu and attention
// minibatches, hadamard's drawn points, matfac's kept entries); the vector path is invariant to
// the thread count bit for bit; diverged chains freeze as on the scalar path; and ORBITMC_SIMD
// forces the scalar path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/simd/lane_dispatch.hpp"
#include "backend/simd/simd_noise_dispatch.hpp"
#include "input_error.hpp"
#include "lane_steps_support.hpp"
#include "models/model_registry.hpp"
#include "orbitmc/catalog.hpp"
#include "run/run_engine.hpp"

namespace orbitmc {
namespace {

// Sets ORBITMC_SIMD for one scope.
class SimdEnv {
 public:
  explicit SimdEnv(const std::string& value) { ::setenv("ORBITMC_SIMD", value.c_str(), 1); }
  ~SimdEnv() { ::unsetenv("ORBITMC_SIMD"); }
};

const std::vector<simd::LanePath>& lane_paths() {
  static const std::vector<simd::LanePath> paths = simd::available_lane_paths();
  return paths;
}
// A test over the vector paths has nothing to check without one (no xsimd, or no AVX2): it
// says so as a skip instead of passing empty (the first test below fails where one is due).
#define ORBITMC_SKIP_WITHOUT_LANE_PATHS() \
  if (lane_paths().empty()) GTEST_SKIP() << "no vector path on this build or CPU"

RunSpec spec_for(const std::string& preset, SamplerKind kind) {
  RunSpec s;
  s.model = model_preset(preset);
  s.sampler = kind;
  s.h = kind == SamplerKind::kConstrainedMetropolis ? 0.2 : 1e-3;
  s.kappa = 100;
  s.chains = 515;  // 32 groups of 16 and a padded one
  s.seed = 4242;
  s.threads = 2;
  s.schedule = Schedule{0, 1, 3};
  s.observe = {HistogramSpec{0, -3.0, 3.0, 30}};
  return s;
}

EnsembleState advance(const RunSpec& spec, uint64_t steps, const std::string& simd) {
  SimdEnv env(simd);
  auto b = make_cpu_backend();
  EnsembleState st;
  b->advance(spec, st, steps);
  return st;
}

// Largest difference relative to max(1, |a|).
double worst_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(1.0, std::fabs(a[i])));
  return worst;
}

constexpr double kStepsTolerance = 64 * std::numeric_limits<float>::epsilon();

const std::vector<SamplerKind> kAllSamplers = sampler_kinds();

TEST(LanePath, EveryModelAndSamplerMatchesTheScalarPathThroughTheBackend) {
#if ORBITMC_TEST_EXPECT_SIMD && (defined(__x86_64__) || defined(_M_X64))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    ASSERT_FALSE(lane_paths().empty()) << "an AVX2 CPU and xsimd at build time: a vector path";
  }
#endif
  for (const simd::LanePath path : lane_paths())
    for (const char* preset : {"block_1_3", "block_2_4", "scalar", "relu_3_3", "relu_16_3_batch8",
                               "matfac_3_3_2", "hadamard_8_identity", "attention_small"})
      for (const SamplerKind kind : kAllSamplers) {
        const RunSpec spec = spec_for(preset, kind);
        const EnsembleState a = advance(spec, 3, "scalar");
        const EnsembleState b = advance(spec, 3, simd::lane_name(path));
        const std::string what =
            std::string(simd::lane_name(path)) + " " + preset + " " + sampler_name(kind);
        ASSERT_EQ(a.x.size(), b.x.size()) << what;
        EXPECT_LE(worst_difference(a.x, b.x), kStepsTolerance) << what;
        // The observations: moments to rounding, histogram counts where no value sits on an
        // edge (none does at this seed).
        EXPECT_LE(worst_difference(a.moments, b.moments), kStepsTolerance) << what;
        EXPECT_EQ(a.pooled, b.pooled) << what;
        for (uint64_t i = 0; i < spec.chains; ++i) {
          ASSERT_EQ(a.counters[i].diverged, b.counters[i].diverged) << what << " chain " << i;
          ASSERT_EQ(a.counters[i].rejected, b.counters[i].rejected) << what << " chain " << i;
          ASSERT_EQ(a.counters[i].failed, b.counters[i].failed) << what << " chain " << i;
        }
      }
}

// Runs `steps` steps of sampler s from x0 (chains × d) on the scalar path, chain by chain.
template <class S>
void scalar_steps(const S& s, std::vector<double>& x, std::vector<ChainCounters>& c, int steps) {
  const int d = s.model.layout.dim();
  std::vector<float> words(static_cast<size_t>(d) * (1 + S::kVectors) + s.model.scratch_words());
  ViewWork<float*> work{words.data() + d, d, S::kVectors};
  float* xs = words.data();
  for (size_t i = 0; i < c.size(); ++i) {
    for (int k = 0; k < d; ++k) xs[k] = static_cast<float>(x[i * d + k]);
    s.begin(work, NoiseKey{77}, static_cast<uint32_t>(i), 0);
    for (int n = 0; n < steps && !c[i].diverged; ++n)
      s.step(xs, work, c[i], NoiseKey{77}, static_cast<uint32_t>(i), static_cast<uint64_t>(n));
    for (int k = 0; k < d; ++k) x[i * d + k] = xs[k];
  }
}

// The same on a vector path, through its entry point (no observations).
template <class S>
void lane_steps(simd::LanePath path, const S& s, std::vector<double>& x,
                std::vector<ChainCounters>& c, int steps, uint64_t first_chain = 0) {
  lane_steps_between(path, s, x.data(), c.data(), c.size(), 0, static_cast<uint64_t>(steps),
                     NoiseKey{77}, first_chain);
}

// Both paths from the same random start; states and counters agree.
template <class S>
void expect_paths_agree(const S& s, const std::string& what, int steps = 3) {
  const int d = s.model.layout.dim();
  const size_t chains = 37;
  const auto& l = s.model.layout;
  std::vector<double> x0(chains * d);
  for (size_t i = 0; i < chains; ++i) {
    std::vector<float> z(d);
    normals(NoiseKey{5}, kStreamInit, static_cast<uint32_t>(i), 0, d, z.data());
    double* x = x0.data() + i * d;
    for (int k = 0; k < d; ++k) x[k] = 0.8 * z[k] + (z[k] < 0 ? -0.3 : 0.3);  // away from 0
    // On the slice (|u^0_b| = … = |u^{L-1}_b|), where the constrained samplers live: off it, a
    // projection can sit at the edge of solvability, where rounding alone decides it.
    for (int b = 0; b < l.blocks(); ++b) {
      std::vector<double> norm2(l.factors(), 0.0);
      double product = 1;
      for (int k = 0; k < l.factors(); ++k) {
        for (int j = 0; j < l.factor_size(k); ++j) norm2[k] += x[l.at(b, k, j)] * x[l.at(b, k, j)];
        product *= norm2[k];
      }
      const double r = std::pow(product, 0.5 / l.factors());
      for (int k = 0; k < l.factors(); ++k)
        for (int j = 0; j < l.factor_size(k); ++j) x[l.at(b, k, j)] *= r / std::sqrt(norm2[k]);
    }
  }
  ORBITMC_SKIP_WITHOUT_LANE_PATHS();
  std::vector<double> xa = x0;
  std::vector<ChainCounters> ca(chains);
  scalar_steps(s, xa, ca, steps);
  for (const simd::LanePath path : lane_paths()) {
    std::vector<double> xb = x0;
    std::vector<ChainCounters> cb(chains);
    lane_steps(path, s, xb, cb, steps);
    EXPECT_LE(worst_difference(xa, xb), kStepsTolerance) << simd::lane_name(path) << " " << what;
    for (size_t i = 0; i < chains; ++i) {
      ASSERT_EQ(ca[i].diverged, cb[i].diverged) << what << " chain " << i;
      ASSERT_EQ(ca[i].rejected, cb[i].rejected) << what << " chain " << i;
      ASSERT_EQ(ca[i].failed, cb[i].failed) << what << " chain " << i;
    }
  }
}

template <template <class> class Sampler, class Model>
Sampler<Model> sampler_over(const Model& m) {
  Sampler<Model> s{};
  s.model = m;
  s.p.beta = 1.0f;
  s.p.h = 1e-3f;
  s.p.kappa = 100.0f;
  return s;
}

template <class Model>
void expect_every_sampler_agrees(const Model& m, const std::string& what) {
  expect_paths_agree(sampler_over<AmbientEM>(m), what + " ambient_em");
  expect_paths_agree(sampler_over<AmbientLM>(m), what + " ambient_lm");
  expect_paths_agree(sampler_over<AmbientMALA>(m), what + " ambient_mala");
  expect_paths_agree(sampler_over<ConstrainedProjection>(m), what + " constrained_projection");
  auto cm = sampler_over<ConstrainedMetropolis>(m);
  cm.p.h = 0.2f;
  expect_paths_agree(cm, what + " constrained_metropolis");
}

std::vector<float> pseudo_data(size_t n, uint32_t stream_chain) {
  std::vector<float> out(n);
  normals(NoiseKey{9}, kStreamData, stream_chain, 0, static_cast<int>(n), out.data());
  return out;
}

TEST(LanePath, PerChainDrawsOfEveryModelMatchTheScalarPath) {
  // hadamard: 3 factored coefficients over 6 points, 4 points drawn per step (a gather per lane).
  const std::vector<float> design = pseudo_data(6 * 3 + 6, 1);
  HadamardModel<float, RuntimeLayout> had{};
  had.layout = RuntimeLayout{3, 1, 1, 0};
  had.points = 6;
  had.width = 1.0f;
  had.ridge = 1.0f;
  had.data = design.data();
  had.batch = 4;
  expect_every_sampler_agrees(had, "hadamard batch 4");
  // The plain coefficients with an L1 penalty (the subgradient's sign per lane).
  HadamardModel<float, RuntimeLayout> plain = had;
  plain.layout = RuntimeLayout{0, 1, 1, 3};
  plain.l1 = 0.3f;
  expect_paths_agree(sampler_over<AmbientEM>(plain), "hadamard plain l1");

  // matfac: 3 × 3, rank 2, every entry observed, each kept with probability 1/2 per step.
  std::vector<float> target = pseudo_data(9, 2);
  target.resize(18, 1.0f);  // the mask
  MatfacModel<float, RuntimeLayout> mf{};
  mf.layout = RuntimeLayout{2, 3, 3, 0};
  mf.width = 1.0f;
  mf.ridge = 1.0f;
  mf.data = target.data();
  mf.keep = 0.5f;
  expect_every_sampler_agrees(mf, "matfac keep 0.5");

  // relu: 3 units on R^2, a fresh minibatch of 5 points from a teacher per step.
  const std::vector<float> teacher = pseudo_data(3 + 3 * 2, 3);
  ReluModel<float, RuntimeLayout> relu{};
  relu.layout = RuntimeLayout{3, 1, 2, 0};
  relu.width = 1.0f;
  relu.ridge = 1.0f;
  relu.batch = 5;
  relu.data = teacher.data();
  expect_every_sampler_agrees(relu, "relu batch 5");

  // attention: head 2, embedding 2, 3 tokens, 2 fresh sequences per step from a teacher.
  AttentionModel<float, RuntimeLayout> att{};
  att.layout = RuntimeLayout{2, 2, 2, 4};
  att.sequence = 3;
  att.width = 1.0f;
  att.ridge = 1.0f;
  att.batch = 2;
  const std::vector<float> weights = pseudo_data(att.layout.dim(), 4);
  att.data = weights.data();
  expect_every_sampler_agrees(att, "attention batch 2");
}

// Blocks of three and four factors: the Newton projection stops per lane (a converged lane stays
// frozen while others iterate), so each lane must still match its chain on the scalar path.
TEST(LanePath, DeepBlocksMatchTheScalarPath) {
  BlockSigmaModel<float, RuntimeLayout> block{};
  block.layout = make_factor_layout(1, {1, 2, 2});
  block.sigma0 = 1.0f;
  block.width = 0.3f;
  expect_every_sampler_agrees(block, "block (1, 2, 2)");
  block.layout = make_factor_layout(1, {1, 1, 1, 1});
  expect_every_sampler_agrees(block, "block (1, 1, 1, 1)");

  const std::vector<float> design = pseudo_data(6 * 3 + 6, 5);
  HadamardModel<float, RuntimeLayout> had{};
  had.layout = make_factor_layout(3, {1, 1, 1});
  had.points = 6;
  had.width = 1.0f;
  had.ridge = 1.0f;
  had.data = design.data();
  expect_every_sampler_agrees(had, "hadamard depth 3");
}

TEST(LanePath, ResultsDoNotDependOnTheThreadCount) {
  ORBITMC_SKIP_WITHOUT_LANE_PATHS();
  for (const simd::LanePath path : lane_paths()) {
    RunSpec spec = spec_for("relu_3_3", SamplerKind::kAmbientMALA);
    spec.schedule = Schedule{10, 2, 60};
    spec.threads = 1;
    const EnsembleState a = advance(spec, 60, simd::lane_name(path));
    spec.threads = 3;
    const EnsembleState b = advance(spec, 60, simd::lane_name(path));
    EXPECT_EQ(a.x, b.x) << simd::lane_name(path);
    EXPECT_EQ(a.moments, b.moments) << simd::lane_name(path);
    EXPECT_EQ(a.pooled, b.pooled) << simd::lane_name(path);
    uint64_t rejected = 0;
    for (uint64_t i = 0; i < spec.chains; ++i) {
      ASSERT_EQ(a.counters[i].rejected, b.counters[i].rejected) << "chain " << i;
      rejected += a.counters[i].rejected;
    }
    EXPECT_GT(rejected, 0u) << "MALA at h = 1e-3 on relu rejects some proposals";
  }
}

// The same chains in groups that start elsewhere (as on an MPI rank's range), with some lanes
// diverged: every chain's state and counters are the same, bit for bit.
template <class S>
void expect_grouping_free(const S& s, const std::string& what) {
  const int d = s.model.layout.dim();
  const size_t chains = 53, shift = 5;
  std::vector<double> x0(chains * d);
  for (size_t i = 0; i < chains; ++i) {
    std::vector<float> z(d);
    normals(NoiseKey{5}, kStreamInit, static_cast<uint32_t>(i), 0, d, z.data());
    for (int k = 0; k < d; ++k) x0[i * d + k] = 0.7 * z[k] + (z[k] < 0 ? -0.3 : 0.3);
  }
  ORBITMC_SKIP_WITHOUT_LANE_PATHS();
  for (const simd::LanePath path : lane_paths()) {
    std::vector<double> xa = x0;
    std::vector<ChainCounters> ca(chains);
    lane_steps(path, s, xa, ca, 40);
    std::vector<double> xb(x0.begin() + shift * d, x0.end());
    std::vector<ChainCounters> cb(chains - shift);
    lane_steps(path, s, xb, cb, 40, shift);
    uint64_t diverged = 0;
    for (size_t i = shift; i < chains; ++i) {
      const ChainCounters &a = ca[i], &b = cb[i - shift];
      ASSERT_EQ(a.diverged, b.diverged) << what << " chain " << i;
      ASSERT_EQ(a.rejected, b.rejected) << what << " chain " << i;
      ASSERT_EQ(a.failed, b.failed) << what << " chain " << i;
      diverged += a.diverged != 0;
      for (int k = 0; k < d; ++k)
        ASSERT_EQ(xa[i * d + k], xb[(i - shift) * d + k])
            << simd::lane_name(path) << " " << what << " chain " << i;
    }
    EXPECT_GT(diverged, 0u) << what << ": some lanes must diverge for the test to mean anything";
    EXPECT_LT(diverged, chains - shift) << what;
  }
}

TEST(LanePath, AChainsNumbersDoNotDependOnItsNeighbours) {
  BlockSigmaModel<float, FixedLayout<1, 1, 3>> m{};
  m.sigma0 = 1.0f;
  m.width = 0.3f;
  auto with = [](auto s, float h, float bound) {
    s.p.h = h;
    s.p.kappa = 10.0f;
    s.p.bound = bound;
    return s;
  };
  expect_grouping_free(with(sampler_over<AmbientEM>(m), 0.02f, 1.3f), "ambient_em");
  expect_grouping_free(with(sampler_over<AmbientLM>(m), 0.02f, 1.3f), "ambient_lm");
  expect_grouping_free(with(sampler_over<AmbientMALA>(m), 0.02f, 1.3f), "ambient_mala");
  expect_grouping_free(with(sampler_over<ConstrainedProjection>(m), 0.02f, 1.3f),
                       "constrained_projection");
  expect_grouping_free(with(sampler_over<ConstrainedMetropolis>(m), 0.6f, 1.3f),
                       "constrained_metropolis");
}

TEST(LanePath, DivergedChainsFreezeAsOnTheScalarPath) {
  ORBITMC_SKIP_WITHOUT_LANE_PATHS();
  for (const simd::LanePath path : lane_paths()) {
    // A bound that some chains leave within a few steps and others never reach.
    RunSpec spec = spec_for("block_1_3", SamplerKind::kAmbientEM);
    spec.h = 0.02;
    spec.kappa = 10;  // h·κ well inside EM's stability range: rounding differences stay small
    spec.bound = 1.3;
    spec.schedule = Schedule{0, 1, 40};
    const EnsembleState a = advance(spec, 40, "scalar");
    const EnsembleState b = advance(spec, 40, simd::lane_name(path));
    uint64_t diverged = 0;
    for (uint64_t i = 0; i < spec.chains; ++i) {
      ASSERT_EQ(a.counters[i].diverged, b.counters[i].diverged) << "chain " << i;
      diverged += a.counters[i].diverged != 0;
    }
    EXPECT_GT(diverged, 10u) << simd::lane_name(path);
    EXPECT_LT(diverged, spec.chains - 10) << simd::lane_name(path);
    // Forty steps: the two paths' rounding grows with the steps, but a frozen state is the one
    // of its last finite step on both.
    EXPECT_LE(worst_difference(a.x, b.x), 1e-3) << simd::lane_name(path);
    EXPECT_EQ(a.pooled, b.pooled) << simd::lane_name(path);
  }
}

TEST(LanePath, TheEnvironmentForcesTheScalarPathAndDoubleRunsScalar) {
  {
    SimdEnv env("scalar");
    EXPECT_EQ(simd::chosen_lane_path(), simd::LanePath::kScalar);
  }
  {
    SimdEnv env("sse2");  // its noise kernel exists; its chains run on the scalar path
    if (!simd::available_noise_kernels().empty())
      EXPECT_EQ(simd::chosen_lane_path(), simd::LanePath::kScalar);
  }
  {
    SimdEnv env("avx9000");
    EXPECT_THROW(simd::chosen_lane_path(), InputError);
  }
  for (const simd::LanePath path : lane_paths()) {
    SimdEnv env(simd::lane_name(path));
    EXPECT_EQ(simd::chosen_lane_path(), path);
    EXPECT_EQ(simd::lane_path_for<AmbientEM<BlockSigmaModel<float>>>(), path);
    EXPECT_EQ(simd::lane_path_for<AmbientEM<BlockSigmaModel<double>>>(), simd::LanePath::kScalar);
  }
  if (!lane_paths().empty()) EXPECT_EQ(simd::chosen_lane_path(), lane_paths().front());
}

}  // namespace
}  // namespace orbitmc
