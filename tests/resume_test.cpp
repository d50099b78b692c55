// Interrupted runs and reproducibility: a run killed right after a checkpoint and resumed gives
// exactly the numbers of the uninterrupted run; thread count and runs do not change numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "backend_param.hpp"
#include "cli_support.hpp"

namespace orbitmc {
namespace {

using testing::run_cli;
using testing::temp_dir;
using testing::write_text;

const char* kCase = R"({
  "name": "resumable", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 11, "chains": 3000,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 24}],
  "fit_exponent": true,
  "c_scan": {"from": -1.0, "to": 3.0, "step": 0.1},
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 1200, "burn_in": 600, "thin": 30},
    "corrected": {"kind": "constrained_projection", "h": 1e-3, "c": 1, "steps": 600, "burn_in": 300, "thin": 15},
    "uncorrected": {"kind": "constrained_projection", "h": 1e-3, "c": 0, "steps": 600, "burn_in": 300, "thin": 15, "expect": "reject"}
  }
})";

// The report without what legitimately differs between runs (times, command line, date).
nlohmann::json numbers_of(const std::filesystem::path& report) {
  std::ifstream in(report);
  nlohmann::json j = nlohmann::json::parse(in);
  std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& v) {
    if (v.is_object()) {
      for (const char* k : {"seconds", "wall_seconds", "chain_steps_per_second", "created_utc",
                            "command", "threads"})
        v.erase(k);
      for (auto& [key, val] : v.items()) strip(val);
    } else if (v.is_array()) {
      for (auto& e : v) strip(e);
    }
  };
  strip(j);
  return j;
}

// Written once, instantiated per backend.
class ResumeOn : public ::testing::TestWithParam<testing::BackendKind> {};

TEST_P(ResumeOn, KilledAfterACheckpointAndResumedGivesIdenticalResults) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  const std::string backend = testing::backend_flag(GetParam());
  const auto dir = temp_dir("resume-" + backend);
  write_text(dir / "case.json", kCase);
  const std::string run =
      "run " + (dir / "case.json").string() + " --backend " + backend + " --quiet ";
  const auto whole = run_cli(run + "--out " + (dir / "whole").string());
  ASSERT_EQ(whole.code, 0) << whole.output;

  // Killed right after the 8th checkpoint: mid-way through the second sampler.
  const std::string ck = (dir / "run.ck").string();
  const auto killed = run_cli(
      run + "--checkpoint " + ck + " --checkpoint-every 200 --out " + (dir / "part").string(),
      "ORBITMC_ABORT_AFTER_CHECKPOINTS=8");
  ASSERT_EQ(killed.code, 137) << killed.output;
  ASSERT_TRUE(std::filesystem::exists(ck));
  {  // the killed run's report is there from the start, and says it is not complete
    std::ifstream in(dir / "part" / "report.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["complete"], false);
    EXPECT_EQ(j["cases"].size(), 0u);
  }

  const auto resumed =
      run_cli(run + "--resume " + ck + " --checkpoint-every 200 --out " + (dir / "part").string());
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_EQ(numbers_of(dir / "whole" / "report.json"), numbers_of(dir / "part" / "report.json"));
}

ORBITMC_INSTANTIATE_PER_BACKEND(ResumeOn);

TEST(Resume, RefusesACheckpointOfAnotherRun) {
  const auto dir = temp_dir("resume-other");
  write_text(dir / "case.json", kCase);
  const std::string ck = (dir / "run.ck").string();
  const std::string run = "run " + (dir / "case.json").string() + " --backend cpu --quiet ";
  ASSERT_EQ(
      run_cli(run + "--checkpoint " + ck + " --checkpoint-every 300 --out " + (dir / "a").string(),
              "ORBITMC_ABORT_AFTER_CHECKPOINTS=1")
          .code,
      137);
  const auto r = run_cli(run + "--seed 5 --resume " + ck + " --out " + (dir / "b").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("different run"), std::string::npos) << r.output;
}

TEST(Reproducibility, SameNumbersForOneAndTwoThreadsAndAcrossRuns) {
  const auto dir = temp_dir("repro");
  write_text(dir / "case.json", kCase);
  const std::string run = "run " + (dir / "case.json").string() + " --backend cpu --quiet ";
  ASSERT_EQ(run_cli(run + "--threads 1 --out " + (dir / "t1").string()).code, 0);
  ASSERT_EQ(run_cli(run + "--threads 2 --out " + (dir / "t2").string()).code, 0);
  ASSERT_EQ(run_cli(run + "--threads 2 --out " + (dir / "t2b").string()).code, 0);
  const auto a = numbers_of(dir / "t1" / "report.json");
  EXPECT_EQ(a, numbers_of(dir / "t2" / "report.json"));
  EXPECT_EQ(a, numbers_of(dir / "t2b" / "report.json"));
  // The report records what is needed to reproduce it.
  EXPECT_EQ(a["cases"][0]["seed"], 11);
  EXPECT_TRUE(a.contains("orbitmc_version"));
  EXPECT_EQ(a["cases"][0]["samplers"][0]["h"], 5e-4);
}

}  // namespace
}  // namespace orbitmc
