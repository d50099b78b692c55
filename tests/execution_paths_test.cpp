// The register path (sizes compiled in) and the general path (run-time sizes) run the same
// per-chain code: on every backend they agree on one step to float rounding for every sampler,
// their histograms pass a two-sample test, and sizes that are not compiled in run on the
// general path without a rebuild. Written once, instantiated per backend.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "analysis/goodness_of_fit.hpp"
#include "backend_param.hpp"
#include "input_error.hpp"
#include "models/model_registry.hpp"
#include "run/run_engine.hpp"

namespace orbitmc {
namespace {

using testing::BackendKind;

RunSpec spec_for(const std::string& preset, SamplerKind kind, ExecutionPath path) {
  RunSpec s;
  s.model = model_preset(preset);
  s.sampler = kind;
  s.path = path;
  s.h = kind == SamplerKind::kConstrainedMetropolis ? 0.2 : 1e-3;
  s.kappa = 100;
  s.chains = 515;  // not a multiple of the GPU block size
  s.seed = 4242;
  s.schedule = Schedule{0, 1, 1};
  s.observe = {HistogramSpec{0, 0.0, 3.0, 30}};
  return s;
}

EnsembleState advance(BackendKind backend, const RunSpec& spec, uint64_t steps) {
  auto b = testing::make_test_backend(backend);
  EnsembleState st;
  b->advance(spec, st, steps);
  return st;
}

class PathsAgree : public ::testing::TestWithParam<BackendKind> {};

TEST_P(PathsAgree, OneStepOfEverySamplerToFloatRounding) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  for (const char* preset : {"block_1_3", "relu_3_3", "matfac_3_3_2", "scalar"})
    for (SamplerKind kind : law_sampler_kinds()) {
      const RunSpec reg = spec_for(preset, kind, ExecutionPath::kRegister);
      const RunSpec gen = spec_for(preset, kind, ExecutionPath::kGeneral);
      const EnsembleState a = advance(GetParam(), reg, 3);
      const EnsembleState b = advance(GetParam(), gen, 3);
      ASSERT_EQ(a.x.size(), b.x.size());
      double worst = 0;
      for (size_t i = 0; i < a.x.size(); ++i)
        worst = std::max(worst, std::fabs(a.x[i] - b.x[i]) / std::max(1.0, std::fabs(a.x[i])));
      // Three steps in float: the two paths may round (fuse) differently, never more.
      EXPECT_LE(worst, 64 * std::numeric_limits<float>::epsilon())
          << preset << " " << sampler_name(kind);
      for (uint64_t i = 0; i < reg.chains; ++i) {
        ASSERT_EQ(a.counters[i].diverged, b.counters[i].diverged) << preset << " chain " << i;
        // A Metropolis decision at the rounding edge may differ; it never does at these seeds.
        ASSERT_EQ(a.counters[i].rejected, b.counters[i].rejected) << preset << " chain " << i;
        ASSERT_EQ(a.counters[i].failed, b.counters[i].failed) << preset << " chain " << i;
      }
    }
}

TEST_P(PathsAgree, HistogramsPassATwoSampleTest) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  RunSpec reg = spec_for("block_1_3", SamplerKind::kAmbientLM, ExecutionPath::kRegister);
  reg.chains = 4000;
  reg.h = 5e-4;
  reg.kappa = 200;
  reg.schedule = Schedule{400, 20, 800};
  RunSpec gen = reg;
  gen.path = ExecutionPath::kGeneral;
  const EnsembleState a = advance(GetParam(), reg, reg.schedule.steps);
  const EnsembleState b = advance(GetParam(), gen, gen.schedule.steps);
  uint64_t na = 0;
  for (auto n : a.pooled[0]) na += n;
  EXPECT_EQ(na, reg.chains * reg.schedule.samples());
  const analysis::TestResult chi2 =
      analysis::chi2_two_sample(in_range_bins(a.pooled[0]), in_range_bins(b.pooled[0]));
  const analysis::TestResult ks =
      analysis::ks_two_sample(in_range_bins(a.pooled[0]), in_range_bins(b.pooled[0]));
  EXPECT_GE(chi2.p_value, 1e-3);
  EXPECT_GE(ks.p_value, 1e-3);
  // The same noise drives both: at most a few samples cross a bin edge.
  EXPECT_LE(analysis::total_variation_two_sample(a.pooled[0], b.pooled[0]), 1e-3);
}

TEST_P(PathsAgree, SizesNotCompiledInRunOnTheGeneralPath) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  const RunSpec reg = spec_for("block_2_4", SamplerKind::kAmbientEM, ExecutionPath::kRegister);
  EXPECT_THROW(advance(GetParam(), reg, 1), InputError);
  for (const char* preset :
       {"block_2_4", "block_4_7", "relu_16_3", "relu_16_3_batch8", "matfac_20_20_20",
        "hadamard_64_cosine", "hadamard_200_cumsum", "attention_16_8"}) {
    RunSpec s = spec_for(preset, SamplerKind::kConstrainedProjection, ExecutionPath::kAuto);
    s.h = 1e-4;
    s.chains = 64;
    s.schedule = Schedule{10, 1, 20};
    const EnsembleState st = advance(GetParam(), s, s.schedule.steps);
    const int d = model_dimension(s.model);
    ASSERT_EQ(st.x.size(), s.chains * d) << preset;
    for (uint64_t i = 0; i < s.chains; ++i) {
      EXPECT_EQ(st.counters[i].diverged, 0u) << preset << " chain " << i;
      for (int k = 0; k < d; ++k) ASSERT_TRUE(std::isfinite(st.x[i * d + k])) << preset;
    }
  }
}

ORBITMC_INSTANTIATE_PER_BACKEND(PathsAgree);

}  // namespace
}  // namespace orbitmc
