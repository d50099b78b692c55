// The training kernel against the CPU (label gpu): every experiment, every noise model, a few
// seeds (37: two blocks of 32, the second partly empty) and steps on both backends from the same
// problems and starts. The noise and the minibatches are the same numbers on both (Philox at
// (seed, step)); the arithmetic may differ by rounding (FMA contraction), so the final metrics
// and the series' medians at every log point must agree to a relative 1e-3, and the GPU's balance
// tallies must show the per-step identity of THEORY 7 holding to float rounding as the CPU's do.
#include <gtest/gtest.h>

#include <cmath>

#include "experiment/experiment_registry.hpp"
#include "experiment/experiment_report.hpp"
#include "experiment/experiment_runner.hpp"
#include "gpu_support.hpp"

namespace orbitmc {
namespace {

class GpuTraining : public ::testing::TestWithParam<const char*> {};

constexpr uint64_t kSeeds = 37;

std::vector<RunResult> run_on(const char* name, const std::string& backend, size_t* variants) {
  const ExperimentEntry& e = find_experiment(name, "test");
  ExperimentSpec spec;
  spec.name = name;
  spec.settings = Settings(e.defaults());
  spec.settings.set("steps", nlohmann::json(60), "test");
  spec.settings.set("log_every", nlohmann::json(20), "test");
  spec.seeds = kSeeds;
  spec.seed = 99;
  spec.seed_offset = 3;
  spec.noises = {NoiseModel::kSgd, NoiseModel::kGd, NoiseModel::kLangevin};
  spec.backend = backend;
  spec.threads = 2;
  const auto ex = e.make(spec.settings);
  *variants = ex->variants().size();
  return run_experiment(*ex, spec, *make_backend(backend), RunnerHooks{});
}

TEST_P(GpuTraining, SameMetricsAsTheCpu) {
  ORBITMC_REQUIRE_GPU_OR_SKIP();
  size_t variants = 0;
  const auto cpu = run_on(GetParam(), "cpu", &variants);
  const auto gpu = run_on(GetParam(), "cuda", &variants);
  // Every variant under each of the three noise models, on both: nothing below loops over less.
  ASSERT_EQ(cpu.size(), 3 * variants);
  ASSERT_EQ(gpu.size(), cpu.size());
  for (size_t r = 0; r < cpu.size(); ++r) {
    EXPECT_EQ(cpu[r].diverged, gpu[r].diverged);
    ASSERT_FALSE(cpu[r].metrics.empty());
    ASSERT_EQ(gpu[r].metrics.size(), cpu[r].metrics.size());
    for (size_t m = 0; m < cpu[r].metrics.size(); ++m) {
      ASSERT_EQ(cpu[r].metrics[m].per_seed.size(), kSeeds);
      ASSERT_EQ(gpu[r].metrics[m].per_seed.size(), kSeeds);
      for (size_t i = 0; i < kSeeds; ++i) {
        const double a = cpu[r].metrics[m].per_seed[i], b = gpu[r].metrics[m].per_seed[i];
        EXPECT_NEAR(a, b, 1e-3 * (std::fabs(a) + 1e-6))
            << cpu[r].variant << " " << cpu[r].noise << " " << cpu[r].metrics[m].name << " seed "
            << i;
      }
    }
    ASSERT_FALSE(cpu[r].series.empty());  // the block ratios and imbalances, at least
    ASSERT_EQ(cpu[r].series.size(), gpu[r].series.size());
    for (size_t s = 0; s < cpu[r].series.size(); ++s) {
      const auto& sa = cpu[r].series[s].at;
      const auto& sb = gpu[r].series[s].at;
      ASSERT_EQ(sa.size(), 4u);  // log points 0, 20, 40, 60
      ASSERT_EQ(sb.size(), sa.size());
      for (size_t p = 0; p < sa.size(); ++p) {
        ASSERT_EQ(sa[p].size(), sb[p].size());
        for (size_t k = 0; k < sa[p].size(); ++k) {
          if (std::isnan(sa[p][k].median)) {  // the training loss at step 0: none on either
            EXPECT_TRUE(std::isnan(sb[p][k].median)) << cpu[r].series[s].name << " " << p;
            continue;
          }
          EXPECT_NEAR(sa[p][k].median, sb[p][k].median, 1e-3 * (std::fabs(sa[p][k].median) + 1e-6))
              << cpu[r].variant << " " << cpu[r].noise << " " << cpu[r].series[s].name
              << " log point " << p << " label " << k;
        }
      }
    }
    const BalanceCheck& bc = cpu[r].balance;
    const BalanceCheck& bg = gpu[r].balance;
    EXPECT_EQ(bc.has_blocks, bg.has_blocks);
    if (bg.has_blocks && cpu[r].noise != "langevin") {
      // Per step to rounding on both (the verdict's own bound), and the same predicted change
      // of D over the run (the tally's Σ η²(|g_u|² − |g_v|²)).
      EXPECT_LT(bc.identity_max_relative, 1e-6) << cpu[r].variant << " " << cpu[r].noise;
      EXPECT_LT(bg.identity_max_relative, 1e-6) << gpu[r].variant << " " << gpu[r].noise;
      EXPECT_NEAR(bg.change_predicted, bc.change_predicted, 1e-3 * bc.change_predicted + 1e-12)
          << cpu[r].variant << " " << cpu[r].noise;
      EXPECT_NE(identity_verdict(bg), "does not hold") << gpu[r].variant << " " << gpu[r].noise;
    }
    if (bg.has_blocks && cpu[r].noise == "langevin")  // the same noise: the same drift
      EXPECT_NEAR(bc.drift_mean, bg.drift_mean, 1e-2 * std::fabs(bc.drift_mean) + bc.drift_se)
          << cpu[r].variant;
  }
}

INSTANTIATE_TEST_SUITE_P(Experiments, GpuTraining,
                         ::testing::Values("relu", "attention", "matcomp", "spectral", "tv"));

}  // namespace
}  // namespace orbitmc
