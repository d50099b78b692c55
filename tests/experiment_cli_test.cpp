// `orbitmc experiment` end to end: bad input exits 2 naming the field before anything is
// written; a small ensemble writes a complete experiment.json whose results do not depend on
// the thread count, and --seed-offset continues an ensemble seed for seed.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "cli_support.hpp"

namespace orbitmc {
namespace {

using testing::run_cli;
using testing::temp_dir;
using testing::write_text;

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

struct BadExperiment {
  const char* name;
  std::string args;    // after `experiment`, before --out
  const char* expect;  // the message must contain this
};

void PrintTo(const BadExperiment& b, std::ostream* os) { *os << b.name; }

class ExperimentBadInput : public ::testing::TestWithParam<BadExperiment> {};

TEST_P(ExperimentBadInput, ExitsTwoNamingTheFieldAndWritesNothing) {
  const auto dir = temp_dir(std::string("xbad-") + GetParam().name);
  write_text(dir / "bad.json", R"({"experiment": "relu", "settings": {"units": "many"}})");
  write_text(dir / "extra.json", R"({"experiment": "relu", "epochs": 3})");
  const std::string args = GetParam().args;
  const auto r = run_cli("experiment " +
                         (args.rfind("FILE:", 0) == 0 ? (dir / args.substr(5)).string() : args) +
                         " --out " + (dir / "out").string() + " --no-html --quiet");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(GetParam().expect), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "experiment.json"));
}

INSTANTIATE_TEST_SUITE_P(
    Cli, ExperimentBadInput,
    ::testing::Values(
        BadExperiment{"unknown_name", "lasso", "allowed: relu, attention, matcomp, spectral, tv"},
        BadExperiment{"unknown_setting", "relu --set depth=3", "its settings:"},
        BadExperiment{"setting_type", "relu --set units=2.5", "must be an integer"},
        BadExperiment{"setting_range", "relu --set units=0", "settings.units"},
        BadExperiment{"probability", "matcomp --set keep=1.5", "settings.keep"},
        BadExperiment{"noise", "relu --noise sgd,adam", "allowed: sgd, gd, langevin"},
        BadExperiment{"noise_twice", "relu --noise gd,gd", "once"},
        BadExperiment{"flag_not_a_setting", "tv --eta 0.1", "its settings:"},
        BadExperiment{"flag_and_set", "relu --eta 2e-3 --set eta=1e-3", "--eta sets eta too"},
        BadExperiment{"eta_not_positive", "relu --eta 0", "--eta: '0' is not a number > 0"},
        BadExperiment{"beta_not_positive", "relu --beta -1", "--beta: '-1' is not a number > 0"},
        BadExperiment{"logged_out_of_range", "matcomp --set logged_singular_values=513",
                      "settings.logged_singular_values"},
        BadExperiment{"one_log_point", "relu --max-log-points 1", "--max-log-points"},
        BadExperiment{"file_setting_type", "FILE:bad.json", "settings.units"},
        BadExperiment{"file_unknown_key", "FILE:extra.json", "epochs"},
        BadExperiment{"missing_file", "FILE:none.json", "cannot be opened"},
        BadExperiment{"seed_range", "relu --seeds 2 --seed-offset 4294967295", "--seed-offset"},
        BadExperiment{"seed_size", "tv --set measurements=60000 --set length=60000",
                      "settings.length/measurements"},
        BadExperiment{"memory", "tv --seeds 16000000 --set measurements=6000", "--seeds"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ExperimentCli, CudaWithoutADeviceExitsTwo) {
  std::string why;
  if (cuda_usable(&why)) GTEST_SKIP() << "a GPU is usable here: --backend cuda is valid";
  const auto dir = temp_dir("xcuda");
  const auto r = run_cli("experiment relu --backend cuda --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--backend"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "experiment.json"));
}

TEST(ExperimentCli, InterruptedRunIsMarkedIncomplete) {
  const auto dir = temp_dir("xint");
  // tv at the paper's settings runs for minutes: SIGINT after 3 s lands in the first run.
  const auto r =
      run_cli("experiment tv --seeds 8 --noise gd --backend cpu --no-html --quiet --out " +
                  (dir / "out").string(),
              "timeout --preserve-status -s INT 3");
  EXPECT_EQ(r.code, 130) << r.output;
  EXPECT_NE(r.output.find("marked incomplete"), std::string::npos) << r.output;
  const nlohmann::json j = read_json(dir / "out" / "experiment.json");
  EXPECT_EQ(j["complete"], false);
  EXPECT_EQ(j["interrupted"], "SIGINT");
  EXPECT_LT(j["runs"].size(), j["runs_planned"].get<size_t>());
}

// A designed variant that diverges in every seed loses every comparison (it does not drop out
// of them), and its balance figures are null, not 0.
TEST(ExperimentCli, DivergedSeedsLoseTheirComparisonsAndLeaveNoBalanceFigures) {
  const auto dir = temp_dir("xdiv");
  const auto r = run_cli(
      "experiment tv --set eta_designed=1 --seeds 3 --steps 200 --noise gd,langevin --backend "
      "cpu --no-html --quiet --out " +
      (dir / "out").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const nlohmann::json j = read_json(dir / "out" / "experiment.json");
  ASSERT_EQ(j["runs"].size(), 4u);
  for (const auto& run : j["runs"]) {
    const bool designed = run["variant"] == "cumsum";
    EXPECT_EQ(run["diverged"], designed ? 3 : 0) << run["variant"];
    if (!designed) continue;
    const auto& b = run["balance"];
    EXPECT_TRUE(b["imbalance_start"].is_null());
    EXPECT_TRUE(b["imbalance_end"].is_null());
    EXPECT_EQ(b["verdict"], "undetermined");
    if (run["noise"] == "gd") {
      EXPECT_TRUE(b["identity_max_relative_deviation"].is_null());
      EXPECT_EQ(b["identity_over_run"]["verdict"], "undetermined");
    } else {
      EXPECT_TRUE(b["drift_per_step"]["mean"].is_null());
    }
  }
  ASSERT_EQ(j["comparisons"].size(), 4u);  // 2 metrics × 2 noise models
  for (const auto& c : j["comparisons"]) {
    EXPECT_EQ(c["trials"], 3);
    EXPECT_EQ(c["wins"], 0);
    EXPECT_EQ(c["ci95"][0], 0.0);
  }
}

// Per-seed metrics of every run, keyed "variant/noise".
std::map<std::string, std::vector<nlohmann::json>> per_seed(const nlohmann::json& j) {
  std::map<std::string, std::vector<nlohmann::json>> out;
  for (const auto& r : j["runs"])
    for (const auto& m : r["metrics"])
      out[r["variant"].get<std::string>() + "/" + r["noise"].get<std::string>() + "/" +
          m["name"].get<std::string>()] = m["per_seed"].get<std::vector<nlohmann::json>>();
  return out;
}

TEST(ExperimentCli, SmallEnsembleIsCompleteAndIndependentOfThreadsAndContinuesWithAnOffset) {
  const auto dir = temp_dir("xrun");
  const std::string common =
      "experiment spectral --steps 300 --noise sgd,gd,langevin --backend cpu --no-html --quiet "
      "--set test_points=200 ";
  const auto a = run_cli(common + "--seeds 4 --threads 1 --out " + (dir / "a").string());
  ASSERT_EQ(a.code, 0) << a.output;
  const auto b = run_cli(common + "--seeds 4 --threads 3 --out " + (dir / "b").string());
  ASSERT_EQ(b.code, 0) << b.output;
  const auto c = run_cli(common + "--seeds 2 --seed-offset 2 --out " + (dir / "c").string());
  ASSERT_EQ(c.code, 0) << c.output;
  const nlohmann::json ja = read_json(dir / "a" / "experiment.json");
  EXPECT_EQ(ja["schema"], "orbitmc.experiment/1");
  EXPECT_EQ(ja["complete"], true);
  EXPECT_EQ(ja["runs"].size(), 9u);         // 3 parametrisations × 3 noise models
  EXPECT_EQ(ja["comparisons"].size(), 6u);  // hadamard against 2 baselines, per noise model
  EXPECT_EQ(ja["summary"].size(), 16u);     // the legend, 9 runs, 6 comparisons
  EXPECT_NE(a.output.find("spectral gd: hadamard beats plain on test_mse in"), std::string::npos)
      << a.output;
  // Not only the per-seed metrics: every series band and balance figure is the same on 1 and 3
  // threads (the host's observations and summaries run on the threads too).
  const nlohmann::json jb = read_json(dir / "b" / "experiment.json");
  ASSERT_EQ(ja["runs"].size(), jb["runs"].size());
  for (size_t k = 0; k < ja["runs"].size(); ++k) {
    nlohmann::json ra = ja["runs"][k], rb = jb["runs"][k];
    ra.erase("seconds");
    rb.erase("seconds");
    EXPECT_EQ(ra, rb) << "run " << k;
  }
  const auto pa = per_seed(ja), pb = per_seed(jb);
  const auto pc = per_seed(read_json(dir / "c" / "experiment.json"));
  EXPECT_EQ(pa, pb);
  ASSERT_EQ(pa.size(), pc.size());
  for (const auto& [key, values] : pa) {
    ASSERT_EQ(values.size(), 4u) << key;
    EXPECT_EQ(std::vector<nlohmann::json>(values.begin() + 2, values.end()), pc.at(key)) << key;
    EXPECT_NE(values[0], values[1]) << key;  // seeds differ
  }
  // The logged series: 0, every log point, and the last step, with bands around the median.
  for (const auto& r : ja["runs"]) {
    EXPECT_EQ(r["log_steps"].front(), 0);
    EXPECT_EQ(r["log_steps"].back(), 300);
    for (const auto& s : r["series"]) {
      ASSERT_EQ(s["median"].size(), r["log_steps"].size());
      const auto& last_lo = s["q05"].back();
      const auto& last_med = s["median"].back();
      const auto& last_hi = s["q95"].back();
      for (size_t k = 0; k < last_med.size(); ++k) {
        EXPECT_LE(last_lo[k].get<double>(), last_med[k].get<double>());
        EXPECT_LE(last_med[k].get<double>(), last_hi[k].get<double>());
      }
    }
  }
}

}  // namespace
}  // namespace orbitmc
