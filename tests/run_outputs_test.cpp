// Where results go: no shell ever sees a path, output locations are checked and
// claimed before sampling, writes are atomic and leave no temporaries, an interrupted run is
// marked incomplete, and resource limits are refused, not crashed into.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_support.hpp"
#include "io/atomic_file.hpp"
#include "run/memory_budget.hpp"

namespace orbitmc {
namespace {

namespace fs = std::filesystem;
using testing::kAddressSanitizer;
using testing::run_cli;
using testing::spawn_orbitmc;
using testing::temp_dir;
using testing::write_text;

std::string small_case(const std::string& name, uint64_t steps) {
  return R"({
  "name": ")" +
         name +
         R"(", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 3, "chains": 200,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": )" +
         std::to_string(steps) + R"(, "burn_in": 20, "thin": 10}
  }
})";
}

std::vector<std::string> temporaries_in(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos)
      found.push_back(e.path().string());
  return found;
}

// Class 1: --out reaches the renderer as an argument, never through a shell.
TEST(RunOutputs, OutPathIsNeverRunByAShell) {
  const auto dir = temp_dir("shell-out");
  write_text(dir / "case.json", small_case("tiny", 40));
  const auto pwned = dir / "pwned";
  const std::string out = (dir / ("x'$(touch " + pwned.string() + ")'\"q")).string();
  std::string arg =
      "'";  // single-quoted for the test's own shell (popen): orbitmc gets it verbatim
  for (char ch : out) arg += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  arg += "'";
  const auto r =
      run_cli("run " + (dir / "case.json").string() + " --backend cpu --quiet --out " + arg);
  ASSERT_LE(r.code, 1) << r.output;
  EXPECT_FALSE(fs::exists(pwned)) << "a command in --out was executed";
  EXPECT_TRUE(fs::exists(fs::path(out) / "report.json"));
  EXPECT_TRUE(fs::exists(fs::path(out) / "report" / "index.html")) << r.output;
}

// Class 8: output locations that cannot hold results are refused before sampling.
TEST(RunOutputs, UnusableOutputLocationsAreRefusedUpFront) {
  const auto dir = temp_dir("bad-out");
  write_text(dir / "case.json", small_case("tiny", 40));
  write_text(dir / "a-file", "x");
  const std::string run = "run " + (dir / "case.json").string() + " --backend cpu --quiet ";
  struct Bad {
    std::string flags, needle;
  };
  for (const Bad& b : std::vector<Bad>{
           {"--out ''", "--out = \"\""},
           {"--out /proc/orbitmc-test", "--out = /proc/orbitmc-test"},
           {"--out /proc", "--out = /proc: files cannot be created there"},
           {"--out " + (dir / "a-file").string(), "exists and is not a folder"},
           {"--out " + (dir / "o").string() + " --checkpoint /proc/ck", "--checkpoint = /proc/ck"},
           {"--out " + (dir / "o").string() + " --checkpoint " + (dir / "case.json").string(),
            "would overwrite the case file"},
           {"--out " + (dir / "o").string() + " --checkpoint " + dir.string(), "is a folder"},
           {"--out " + (dir / "o").string() + " --checkpoint-every 10",
            "--checkpoint-every = 10: needs --checkpoint"},
           {"--out " + (dir / "o").string() + " --checkpoint " +
                (dir / "o" / "report.json").string(),
            "which the run writes too"},
           {"--out " + (dir / "o").string() + " --checkpoint " + (dir / "o" / "x").string() + "/" +
                std::string(250, 'k'),
            "files cannot be created there"},
           {"--out " + (dir / "deep" / "er").string() + " --checkpoint " +
                (dir / "case.json").string(),
            "would overwrite the case file"}}) {
    const auto r = run_cli(run + b.flags);
    EXPECT_EQ(r.code, 2) << b.flags << ": " << r.output;
    EXPECT_NE(r.output.find(b.needle), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("verdict"), std::string::npos) << "no case may have started";
  }
  EXPECT_EQ(fs::file_size(dir / "case.json"), small_case("tiny", 40).size());
  EXPECT_FALSE(fs::exists(dir / "o" / "report.json"));
  EXPECT_FALSE(fs::exists(dir / "deep")) << "a refusal comes before anything is created";
}

// Class 8: no output may overwrite an input: the case file named report.json in --out.
TEST(RunOutputs, ACaseFileIsNeverOverwrittenByTheReport) {
  const auto dir = temp_dir("case-is-report");
  fs::create_directories(dir / "o");
  write_text(dir / "o" / "report.json", small_case("tiny", 40));
  const auto r = run_cli("run " + (dir / "o" / "report.json").string() +
                         " --backend cpu --quiet --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("would overwrite the case file"), std::string::npos) << r.output;
  EXPECT_EQ(fs::file_size(dir / "o" / "report.json"), small_case("tiny", 40).size());
}

// Class 16: a second run on the same --out is refused while the first holds it.
TEST(RunOutputs, ASecondRunOnTheSameOutputFolderIsRefused) {
  const auto dir = temp_dir("locked-out");
  write_text(dir / "case.json", small_case("tiny", 40));
  fs::create_directories(dir / "o");
  const int fd = ::open((dir / "o").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as a running orbitmc holds it
  const auto r = run_cli("run " + (dir / "case.json").string() + " --backend cpu --quiet --out " +
                         (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("another orbitmc run is writing to this folder"), std::string::npos)
      << r.output;
  ::close(fd);
  const auto again = run_cli("run " + (dir / "case.json").string() +
                             " --backend cpu --quiet --no-html --out " + (dir / "o").string());
  EXPECT_LE(again.code, 1) << again.output;
}

// Class 10: exclusive temporaries; stale ones of dead writers are removed, live ones kept.
TEST(RunOutputs, TemporariesAreExclusiveAndStaleOnesRemoved) {
  const auto dir = temp_dir("temps");
  const auto target = dir / "report.json";
  const auto victim = dir / "victim";
  write_text(victim, "untouched");
  // A symlink planted at the name the old writer used (PATH.tmp.PID) is never followed.
  fs::create_symlink(victim, fs::path(target.string() + ".tmp." + std::to_string(::getpid())));
  write_file_atomically(target.string(), "new");
  std::ifstream v(victim);
  std::string text((std::istreambuf_iterator<char>(v)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "untouched");
  std::ifstream t(target);
  std::string got((std::istreambuf_iterator<char>(t)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, "new");
  fs::remove(fs::path(target.string() + ".tmp." + std::to_string(::getpid())));

  // A dead writer's temporary: a pid no process has now.
  pid_t dead = 0;
  for (pid_t p = 4000000; p > 300000 && !dead; p -= 7919)
    if (::kill(p, 0) != 0 && errno == ESRCH) dead = p;
  ASSERT_NE(dead, 0);
  const auto stale = fs::path(target.string() + ".tmp." + std::to_string(dead) + ".abcdef");
  const auto live = fs::path(target.string() + ".tmp." + std::to_string(::getpid()) + ".abcdef");
  write_text(stale, "stale");
  write_text(live, "live");
  remove_stale_temporaries(target.string());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
}

// Class 9: SIGINT or SIGTERM after the first of three cases: exit 130 / 143, the report holds
// the finished case, is marked incomplete, and no temporary is left.
int cases_in(const fs::path& report) {
  std::ifstream in(report);
  if (!in) return 0;
  try {
    return static_cast<int>(nlohmann::json::parse(in)["cases"].size());
  } catch (...) {
    return 0;
  }
}

class Interrupted : public ::testing::TestWithParam<int> {};

TEST_P(Interrupted, ReportIsMarkedIncompleteAndTheExitCodeNamesTheSignal) {
  const int sig = GetParam();
  const auto dir = temp_dir(std::string("interrupt-") + (sig == SIGINT ? "int" : "term"));
  fs::create_directories(dir / "cases");
  write_text(dir / "cases" / "a.json", small_case("a_quick", 40));
  write_text(dir / "cases" / "b.json", small_case("b_long", 40000000));
  write_text(dir / "cases" / "c.json", small_case("c_long", 40000000));
  const auto out = dir / "out";
  const pid_t pid =
      spawn_orbitmc({"validate", "--cases", (dir / "cases").string(), "--backend", "cpu", "--quiet",
                     "--threads", "1", "--checkpoint", (dir / "ck").string(), "--checkpoint-every",
                     "20", "--out", out.string()},
                    dir / "log");
  ASSERT_GT(pid, 0);
  struct KillOnExit {  // a failed assertion must not leave two 40M-step cases running
    pid_t pid;
    ~KillOnExit() {
      int st = 0;
      if (::waitpid(pid, &st, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &st, 0);
      }
    }
  } guard{pid};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (cases_in(out / "report.json") < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(cases_in(out / "report.json"), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // well into case b
  ::kill(pid, sig);
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 3000 && (done = ::waitpid(pid, &status, WNOHANG)) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (done == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "orbitmc did not stop within 30 s of the signal";
  }
  ASSERT_TRUE(WIFEXITED(status)) << "died by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
  std::ifstream in(out / "report.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["complete"], false);
  EXPECT_EQ(j["all_pass"], false);
  EXPECT_EQ(j["interrupted"], sig == SIGINT ? "SIGINT" : "SIGTERM");
  EXPECT_EQ(j["cases_planned"], 3);
  EXPECT_EQ(j["cases"].size(), 1u);
  const auto left = temporaries_in(dir);
  EXPECT_TRUE(left.empty()) << left.front();
}

INSTANTIATE_TEST_SUITE_P(BothSignals, Interrupted, ::testing::Values(SIGINT, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return std::string(i.param == SIGINT ? "SIGINT" : "SIGTERM");
                         });

// A run that finishes is complete; a run killed outright (SIGKILL: no chance to say so) in a
// folder that holds a previous run's complete report leaves an incomplete report and no page.
TEST(RunOutputs, OnlyAFinishedRunIsComplete) {
  const auto dir = temp_dir("complete");
  write_text(dir / "case.json", small_case("tiny", 40));
  const auto r = run_cli("run " + (dir / "case.json").string() +
                         " --backend cpu --quiet --no-html --out " + (dir / "o").string());
  ASSERT_LE(r.code, 1) << r.output;
  std::ifstream in(dir / "o" / "report.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["complete"], true);
  EXPECT_EQ(j["interrupted"], nullptr);
  EXPECT_EQ(j["all_pass"], r.code == 0);
  EXPECT_TRUE(temporaries_in(dir).empty());

  // A rendered, complete report in the folder; then a long run there, killed.
  ASSERT_LE(run_cli("run " + (dir / "case.json").string() + " --backend cpu --quiet --out " +
                    (dir / "o").string())
                .code,
            1);
  ASSERT_TRUE(fs::exists(dir / "o" / "report" / "index.html"));
  write_text(dir / "long.json", small_case("long", 40000000));
  const pid_t pid = spawn_orbitmc({"run", (dir / "long.json").string(), "--backend", "cpu",
                                   "--quiet", "--out", (dir / "o").string()},
                                  dir / "log");
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto started = [&] {
    std::ifstream in(dir / "o" / "report.json");
    try {
      return nlohmann::json::parse(in)["complete"] == false;
    } catch (...) {
      return false;
    }
  };
  while (!started() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream in2(dir / "o" / "report.json");
  const auto k = nlohmann::json::parse(in2);
  EXPECT_EQ(k["complete"], false);
  EXPECT_EQ(k["all_pass"], false);
  EXPECT_EQ(k["cases"].size(), 0u);
  EXPECT_FALSE(fs::exists(dir / "o" / "report" / "index.html")) << "the old page says PASS";
}

// Class 12: a checkpoint resumes only the run that wrote it, to the last bit of every option.
TEST(RunOutputs, CheckpointOfANearlyEqualCorrectionScaleIsRefused) {
  const auto dir = temp_dir("fingerprint-bits");
  write_text(dir / "case.json", small_case("tiny", 400));
  const std::string run = "run " + (dir / "case.json").string() + " --backend cpu --quiet ";
  const std::string ck = (dir / "ck").string();
  ASSERT_EQ(run_cli(run + "--correction-scale 0.5000001 --checkpoint " + ck +
                        " --checkpoint-every 100 --out " + (dir / "a").string(),
                    "ORBITMC_ABORT_AFTER_CHECKPOINTS=1")
                .code,
            137);
  const auto r = run_cli(run + "--correction-scale 0.5000004 --resume " + ck + " --out " +
                         (dir / "b").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("different run"), std::string::npos) << r.output;
}

// Class 13: thread counts the machine cannot start are refused, never an abort.
TEST(RunOutputs, ThreadsThatCannotStartAreRefused) {
  if (kAddressSanitizer) GTEST_SKIP() << "ASan reserves more address space than the limit";
  const auto dir = temp_dir("threads-limit");
  write_text(dir / "case.json", small_case("tiny", 40));
  // 1024 stacks of 8 MiB do not fit in 2 GiB of address space.
  const auto r = run_cli("run " + (dir / "case.json").string() +
                             " --backend cpu --quiet --threads 1024 --chains 4096 --out " +
                             (dir / "o").string(),
                         "ulimit -s 8192; ulimit -v 2097152;");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--threads = 1024: only"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "o"));
}

// Class 14: an address-space limit (ulimit -v) counts like a memory limit. 10^7 chains need
// 4.3 GiB: more than the 2 GiB limit, less than the memory of any machine this runs on.
TEST(RunOutputs, AddressSpaceLimitIsPartOfTheMemoryCheck) {
  EXPECT_EQ(address_space_limited(8ull << 30, 0, 1ull << 30), 8ull << 30);
  EXPECT_EQ(address_space_limited(8ull << 30, 2ull << 30, 1ull << 29), (2ull << 30) - (1ull << 29));
  EXPECT_EQ(address_space_limited(0, 2ull << 30, 0), 2ull << 30);
  EXPECT_EQ(address_space_limited(8ull << 30, 1ull << 20, 2ull << 20), 1u);
  if (kAddressSanitizer) GTEST_SKIP() << "ASan reserves more address space than the limit";
  const auto dir = temp_dir("ulimit-v");
  const auto r = run_cli("run " + std::string(ORBITMC_SOURCE_DIR) +
                             "/validation/block_1_3.json --backend cpu --quiet --chains 10000000 "
                             "--out " +
                             (dir / "o").string(),
                         "ulimit -v 2097152;");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("memory available here"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "o"));
}

}  // namespace
}  // namespace orbitmc
