// Both backends: results are a function of the seed only — not of the CPU thread count, nor of
// how the run is split into segments (on the GPU: kernel launches and host round trips) — and
// constrained chains stay on the slice. Written once, instantiated per backend.
#include <gtest/gtest.h>

#include <tuple>

#include "backend_param.hpp"
#include "models/model_registry.hpp"
#include "run/run_engine.hpp"

namespace orbitmc {
namespace {

using testing::BackendKind;

RunSpec small_spec(SamplerKind kind) {
  RunSpec s;
  s.model = model_preset("block_1_3");
  s.sampler = kind;
  s.h = kind == SamplerKind::kConstrainedMetropolis ? 0.2 : 1e-3;
  s.kappa = 100;
  s.chains = 301;
  s.seed = 12345;
  s.schedule = Schedule{100, 5, 400};
  s.observe = {HistogramSpec{0, 0.0, 2.5, 25}};
  return s;
}

EnsembleState run_with(BackendKind backend, const RunSpec& spec, int threads, uint64_t segment) {
  RunSpec s = spec;
  s.threads = threads;
  auto b = testing::make_test_backend(backend);
  EnsembleState st;
  RunControl rc;
  rc.segment_steps = segment;
  run_to_end(*b, s, st, rc, nullptr);
  return st;
}

class Determinism : public ::testing::TestWithParam<std::tuple<BackendKind, SamplerKind>> {};

TEST_P(Determinism, SameResultsForAnyThreadCountAndSegmentation) {
  const BackendKind backend = std::get<0>(GetParam());
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(backend);
  const RunSpec spec = small_spec(std::get<1>(GetParam()));
  // Segments of 77 steps cut burn-in and sampling at odd places; 100 ends one at burn-in.
  const EnsembleState a = run_with(backend, spec, 1, 0);
  const EnsembleState b = run_with(backend, spec, 3, 100);
  const EnsembleState c = run_with(backend, spec, 2, 77);
  ASSERT_EQ(a.x.size(), spec.chains * 4u);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.x, c.x);
  EXPECT_EQ(a.moments, b.moments);
  EXPECT_EQ(a.moments, c.moments);
  EXPECT_EQ(a.pooled, b.pooled);
  EXPECT_EQ(a.pooled, c.pooled);
  uint64_t total = 0;
  for (auto n : a.pooled[0]) total += n;
  EXPECT_EQ(total, spec.chains * spec.schedule.samples());
  for (uint64_t i = 0; i < spec.chains; ++i) {
    EXPECT_EQ(a.counters[i].rejected, b.counters[i].rejected);
    EXPECT_EQ(a.counters[i].rejected, c.counters[i].rejected);
    EXPECT_EQ(a.counters[i].failed, b.counters[i].failed);
    EXPECT_EQ(a.counters[i].failed, c.counters[i].failed);
    EXPECT_EQ(a.counters[i].diverged, 0u);
  }
}

const auto kSamplers = ::testing::ValuesIn(law_sampler_kinds());
std::string sampler_param_name(
    const ::testing::TestParamInfo<std::tuple<BackendKind, SamplerKind>>& i) {
  return sampler_name(std::get<1>(i.param));
}
INSTANTIATE_TEST_SUITE_P(Cpu, Determinism,
                         ::testing::Combine(::testing::Values(BackendKind::kCpu), kSamplers),
                         sampler_param_name);
INSTANTIATE_TEST_SUITE_P(Gpu, Determinism,
                         ::testing::Combine(::testing::Values(BackendKind::kCuda), kSamplers),
                         sampler_param_name);

class PerBackend : public ::testing::TestWithParam<BackendKind> {};

TEST_P(PerBackend, ConstrainedSamplersStayOnTheSlice) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  for (auto kind : {SamplerKind::kConstrainedProjection, SamplerKind::kConstrainedMetropolis}) {
    RunSpec spec = small_spec(kind);
    spec.use_double = true;
    const EnsembleState st = run_with(GetParam(), spec, 2, 0);
    ASSERT_EQ(st.x.size(), spec.chains * 4);
    double mean_sigma = 0;
    for (uint64_t i = 0; i < spec.chains; ++i) {
      const double* x = &st.x[i * 4];
      const double uu = x[0] * x[0], vv = x[1] * x[1] + x[2] * x[2] + x[3] * x[3];
      EXPECT_NEAR(uu - vv, 0.0, 1e-10 * (uu + vv)) << sampler_name(kind) << ", chain " << i;
      mean_sigma += std::sqrt(uu * vv) / static_cast<double>(spec.chains);
    }
    // On the slice, not collapsed onto its apex (where |D| ≤ 1e-10·K would hold trivially).
    EXPECT_GT(mean_sigma, 0.1) << sampler_name(kind);
  }
}

TEST_P(PerBackend, MetropolisSamplersCountRejections) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  for (auto kind : {SamplerKind::kAmbientMALA, SamplerKind::kConstrainedMetropolis}) {
    // The counters follow the step size: large steps are rejected often, tiny ones almost never
    // (a counter stuck at a constant, or counting every step, fails one of the two).
    auto rejected_fraction = [&](double h) {
      RunSpec spec = small_spec(kind);
      spec.h = h;
      const EnsembleState st = run_with(GetParam(), spec, 2, 0);
      uint64_t rejected = 0;
      for (const auto& c : st.counters) rejected += c.rejected + c.failed;
      return static_cast<double>(rejected) / static_cast<double>(spec.chains * spec.schedule.steps);
    };
    const bool mala = kind == SamplerKind::kAmbientMALA;
    const double large = rejected_fraction(mala ? 2e-2 : 0.8);
    EXPECT_GT(large, 0.05) << sampler_name(kind);
    EXPECT_LT(large, 1.0) << sampler_name(kind);
    EXPECT_LT(rejected_fraction(mala ? 1e-5 : 1e-3), 0.01) << sampler_name(kind);
  }
}

ORBITMC_INSTANTIATE_PER_BACKEND(PerBackend);

}  // namespace
}  // namespace orbitmc
