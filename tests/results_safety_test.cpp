// Results are never lost (hardening II): refusals come before any work and leave an earlier
// run's results as they were; no output replaces an input; nothing outside --out is written or
// removed through a symlink in it; outputs that are not regular files are refused; temporaries
// of killed runs are cleared; a signal during the rendering exits with the signal's code.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_support.hpp"

namespace orbitmc {
namespace {

namespace fs = std::filesystem;
using testing::kAddressSanitizer;
using testing::run_cli;
using testing::spawn_orbitmc;
using testing::temp_dir;
using testing::write_text;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::string tiny_case(const std::string& extra = "") {
  return R"({
  "name": "tiny", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 3, "chains": 200,)" +
         extra + R"(
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 40, "burn_in": 20, "thin": 10}
  }
})";
}

const std::string kTinyExperiment =
    "experiment relu --backend cpu --steps 20 --log-every 10 --quiet --no-html ";

// An experiment run's folder with its report and states, as a later refusal must leave it.
struct GoodResults {
  fs::path out;
  std::string report, states;
};
GoodResults good_experiment(const fs::path& dir) {
  GoodResults g{dir / "o", "", ""};
  const auto r = run_cli(kTinyExperiment + "--seeds 3 --save-states --out " + g.out.string());
  EXPECT_EQ(r.code, 0) << r.output;
  g.report = read_all(g.out / "experiment.json");
  g.states = read_all(g.out / "states" / "problems.npy");
  EXPECT_FALSE(g.report.empty());
  EXPECT_FALSE(g.states.empty());
  return g;
}
void expect_untouched(const GoodResults& g) {
  EXPECT_TRUE(read_all(g.out / "experiment.json") == g.report) << "the earlier report was replaced";
  EXPECT_TRUE(read_all(g.out / "states" / "problems.npy") == g.states)
      << "earlier states were lost";
}

// Class 2: refusals found late (memory under ulimit -v, threads) now come before any work.
TEST(ResultsSafety, LateRefusalsComeFirstAndKeepTheEarlierResults) {
  if (kAddressSanitizer) GTEST_SKIP() << "ASan reserves more address space than the limit";
  const auto dir = temp_dir("late-refusals");
  const GoodResults g = good_experiment(dir);
  // 30 000 seeds of tv need about 6 GB: less than half of a 24 GB machine's memory (the old
  // budget), more than the 3 GiB of address space allowed here.
  auto r =
      run_cli("experiment tv --backend cpu --seeds 30000 --quiet --no-html --out " + g.out.string(),
              "ulimit -v 3145728;");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--seeds = 30000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ulimit -v"), std::string::npos) << r.output;
  expect_untouched(g);
  // 1024 threads' stacks do not fit in 2 GiB of address space: refused before the first run.
  r = run_cli(kTinyExperiment + "--seeds 1024 --threads 1024 --out " + g.out.string(),
              "ulimit -s 8192; ulimit -v 2097152;");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--threads = 1024: only"), std::string::npos) << r.output;
  expect_untouched(g);
}

TEST(ResultsSafety, AnAlphaWhoseLevelRoundsToOneIsRefusedBeforeAnyCase) {
  const auto dir = temp_dir("alpha");
  fs::create_directories(dir / "cases");
  write_text(dir / "cases" / "a.json", tiny_case());
  std::string bad = tiny_case(R"( "alpha": 5e-324,)");
  bad.replace(bad.find("\"tiny\""), 6, "\"tiny2\"");
  write_text(dir / "cases" / "b.json", bad);
  const auto r = run_cli("validate --cases " + (dir / "cases").string() +
                         " --backend cpu --quiet --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("alpha = 4.940656458e-324: must be in [1e-12, 1)"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "o")) << "refused before any case ran";
}

TEST(ResultsSafety, OutputsThatCannotBeReplacedAreRefusedUpFront) {
  const auto dir = temp_dir("unreplaceable");
  write_text(dir / "case.json", tiny_case());
  const std::string run = "run " + (dir / "case.json").string() + " --backend cpu --quiet ";
  // OUT/report.json a folder.
  fs::create_directories(dir / "o1" / "report.json" / "inner");
  auto r = run_cli(run + "--out " + (dir / "o1").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("report.json: is a folder"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_directory(dir / "o1" / "report.json" / "inner"));
  // The checkpoint is the output folder.
  r = run_cli(run + "--out " + (dir / "o4").string() + " --checkpoint " + (dir / "o4").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("is the --out folder"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "o4"));
  // An immutable report (where the file system has the attribute).
  fs::create_directories(dir / "o5");
  write_text(dir / "o5" / "report.json", "{\"kept\": true}\n");
  const std::string attr = "chattr +i " + (dir / "o5" / "report.json").string() + " 2>/dev/null";
  if (std::system(attr.c_str()) == 0) {
    r = run_cli(run + "--out " + (dir / "o5").string());
    std::system(("chattr -i " + (dir / "o5" / "report.json").string()).c_str());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("cannot be replaced"), std::string::npos) << r.output;
  }
  EXPECT_EQ(read_all(dir / "o5" / "report.json"), "{\"kept\": true}\n");
}

// Class 3: no output replaces an input.
TEST(ResultsSafety, NoOutputReplacesAnInput) {
  const auto dir = temp_dir("inputs");
  // The experiment file is the report the run would write.
  fs::create_directories(dir / "self");
  const std::string xfile = R"({"experiment": "relu", "settings": {"steps": 20, "log_every": 10}})";
  write_text(dir / "self" / "experiment.json", xfile);
  auto r = run_cli("experiment " + (dir / "self" / "experiment.json").string() +
                   " --backend cpu --seeds 2 --quiet --no-html --out " + (dir / "self").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("would overwrite the experiment file"), std::string::npos) << r.output;
  EXPECT_TRUE(read_all(dir / "self" / "experiment.json") == xfile) << "the input was replaced";

  // A case's data file as the checkpoint, and as the report.
  fs::create_directories(dir / "dcase");
  const fs::path shipped = fs::path(ORBITMC_SOURCE_DIR) / "validation";
  auto j = nlohmann::json::parse(read_all(shipped / "hadamard_ridge.json"));
  const std::string npy = j["model"]["data_file"];
  fs::copy_file(shipped / npy, dir / "dcase" / fs::path(npy).filename());
  j["model"]["data_file"] = fs::path(npy).filename().string();
  write_text(dir / "dcase" / "case.json", j.dump());
  const auto npy_path = dir / "dcase" / fs::path(npy).filename();
  const std::string before = read_all(npy_path);
  r = run_cli("run " + (dir / "dcase" / "case.json").string() +
              " --backend cpu --quick --quiet --out " + (dir / "o").string() + " --checkpoint " +
              npy_path.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("model.data_file"), std::string::npos) << r.output;
  // The data file at OUT/report.json.
  fs::create_directories(dir / "o2");
  fs::copy_file(npy_path, dir / "o2" / "report.json");
  j["model"]["data_file"] = (dir / "o2" / "report.json").string();
  write_text(dir / "dcase" / "case2.json", j.dump());
  r = run_cli("run " + (dir / "dcase" / "case2.json").string() +
              " --backend cpu --quick --quiet --out " + (dir / "o2").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("would overwrite"), std::string::npos) << r.output;
  EXPECT_TRUE(read_all(npy_path) == before) << "the data file was replaced";
  EXPECT_TRUE(read_all(dir / "o2" / "report.json") == before) << "the data file was replaced";
}

// Class 4: a symlinked folder inside --out would carry writes and removals outside it.
TEST(ResultsSafety, SymlinkedFoldersInsideOutAreRefused) {
  const auto dir = temp_dir("symlinks");
  fs::create_directories(dir / "outside");
  write_text(dir / "outside" / "keep.npy", "not orbitmc's");
  write_text(dir / "outside" / "index.html", "not orbitmc's either");
  fs::create_directories(dir / "o");
  fs::create_directory_symlink(dir / "outside", dir / "o" / "states");
  auto r = run_cli(kTinyExperiment + "--seeds 3 --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("states: is a symbolic link"), std::string::npos) << r.output;
  fs::remove(dir / "o" / "states");
  fs::create_directory_symlink(dir / "outside", dir / "o" / "page");
  r = run_cli(kTinyExperiment + "--seeds 3 --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("page: is a symbolic link"), std::string::npos) << r.output;
  write_text(dir / "case.json", tiny_case());
  fs::create_directory_symlink(dir / "outside", dir / "o" / "report");
  r = run_cli("run " + (dir / "case.json").string() + " --backend cpu --quiet --no-html --out " +
              (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("report: is a symbolic link"), std::string::npos) << r.output;
  EXPECT_EQ(read_all(dir / "outside" / "keep.npy"), "not orbitmc's");
  EXPECT_EQ(read_all(dir / "outside" / "index.html"), "not orbitmc's either");
  EXPECT_FALSE(fs::exists(dir / "o" / "experiment.json"));
}

// Class 5: the temporaries of a killed --save-states are removed by the next run.
TEST(ResultsSafety, StaleStateTemporariesAreRemoved) {
  const auto dir = temp_dir("stale-states");
  fs::create_directories(dir / "o" / "states");
  // A process id that no longer runs: a child that has exited and been reaped.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const auto stale =
      dir / "o" / "states" / ("relu_plain_sgd_final.npy.tmp." + std::to_string(dead) + ".Ab3dEf");
  write_text(stale, std::string(4096, 'x'));
  const auto mine = dir / "o" / "states" / "mine.tmp.notapid";
  write_text(mine, "a user's file");
  const auto r = run_cli(kTinyExperiment + "--seeds 3 --save-states --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_FALSE(fs::exists(stale)) << "a killed run's temporary was left";
  EXPECT_TRUE(fs::exists(mine)) << "a file that is no temporary of orbitmc's was removed";
}

// Class 6: a signal while the page renders ends the run with 128 + the signal, not 0 or 1.
TEST(ResultsSafety, SignalDuringRenderingExitsWithItsCode) {
  const auto dir = temp_dir("render-signal");
  write_text(dir / "case.json", tiny_case());
  // A renderer that takes its time (ORBITMC_PYTHON names the interpreter): its start, a file,
  // says the run has reached the rendering.
  const auto slow = dir / "slow-python";
  write_text(slow, "#!/bin/sh\ntouch " + (dir / "rendering").string() + "\nexec sleep 30\n");
  fs::permissions(slow, fs::perms::owner_all);
  for (const auto& cmd : std::vector<std::vector<std::string>>{
           {"run", (dir / "case.json").string(), "--backend", "cpu", "--quiet", "--out",
            (dir / "o").string()},
           {"experiment", "relu", "--backend", "cpu", "--seeds", "3", "--steps", "20",
            "--log-every", "10", "--quiet", "--out", (dir / "x").string()}}) {
    fs::remove(dir / "rendering");
    const pid_t pid = spawn_orbitmc(cmd, dir / "log", {"ORBITMC_PYTHON=" + slow.string()});
    ASSERT_GT(pid, 0);
    for (int i = 0; i < 3000 && !fs::exists(dir / "rendering"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(fs::exists(dir / "rendering")) << read_all(dir / "log");
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << read_all(dir / "log");
    EXPECT_EQ(WEXITSTATUS(status), 130) << cmd[0] << ": " << read_all(dir / "log");
  }
}

// Class 9: outputs that exist and are no regular file are refused, never replaced.
TEST(ResultsSafety, SpecialFilesAsOutputsAreRefused) {
  const auto dir = temp_dir("special");
  write_text(dir / "case.json", tiny_case());
  const std::string run = "run " + (dir / "case.json").string() + " --backend cpu --quiet --out " +
                          (dir / "o").string() + " --checkpoint ";
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  auto r = run_cli(run + (dir / "fifo").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("is not a regular file"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
  fs::create_symlink("/dev/null", dir / "null");
  r = run_cli(run + (dir / "null").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("is not a regular file"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_symlink(dir / "null"));
  EXPECT_FALSE(fs::exists(dir / "o"));
}

// Class 12: a report written among the cases would be read as a case by every later validate.
TEST(ResultsSafety, OutInsideTheCasesFolderIsRefused) {
  const auto dir = temp_dir("out-in-cases");
  fs::create_directories(dir / "cases");
  write_text(dir / "cases" / "a.json", tiny_case());
  for (const auto& out : {dir / "cases", dir / "cases" / "sub"}) {
    const auto r = run_cli("validate --cases " + (dir / "cases").string() +
                           " --backend cpu --quiet --no-html --out " + out.string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("lies in the folder of --cases"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(fs::exists(dir / "cases" / "report.json"));
  EXPECT_FALSE(fs::exists(dir / "cases" / "sub"));
}

}  // namespace
}  // namespace orbitmc
