// The report renderer as a child process: posix_spawn with an argument vector.
#include "report/report_renderer.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "input_error.hpp"
#include "io/interrupt.hpp"

extern char** environ;

namespace orbitmc {

namespace fs = std::filesystem;

std::string shipped_data_folder() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const fs::path exe_dir = exe.parent_path();
  // In the build tree: the source tree's files, so edits show without a rebuild.
  const fs::path build = fs::weakly_canonical(ORBITMC_BUILD_DIR, ec);
  const fs::path rel = exe_dir.lexically_relative(build);
  if (!ec && !rel.empty() && *rel.begin() != "..")
    return std::string(ORBITMC_SOURCE_DIR) + "/validation";
  const fs::path installed = exe_dir / ".." / "share" / "orbitmc" / "validation";
  if (fs::exists(installed / "render_report.py", ec))
    return fs::weakly_canonical(installed, ec).string();
  return "";
}

namespace {

std::string python_interpreter() {
  if (const char* env = std::getenv("ORBITMC_PYTHON"); env && *env) return env;
  std::error_code ec;
  return fs::exists("/usr/bin/python3", ec) ? "/usr/bin/python3" : "python3";
}

// Runs argv[0] (searched on PATH when it has no '/') with stdout and stderr to `log`, the
// default signal mask (the parent blocks SIGINT/SIGTERM for its watcher thread) and waits.
// Returns the exit status, or -1 when it could not be started.
int spawn_and_wait(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const bool search = args[0].find('/') == std::string::npos;
  const int err = search ? posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ)
                         : posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return -1;
  set_interrupt_child(pid);  // an interrupt stops the renderer too
  // Wait without reaping first: until it is reaped the pid cannot be reused, so the watcher
  // never signals another process.
  siginfo_t info{};
  while (::waitid(P_PID, pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  set_interrupt_child(0);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs SCRIPT (beside the shipped cases) on OUT_DIR/JSON_NAME, writing OUT_DIR/PAGE_FOLDER.
// Python's -B: no __pycache__ beside the script (an installed PREFIX/share is outside --out).
bool render_page(const std::string& script_name, const std::string& json_name,
                 const std::string& page_folder, const std::string& out_dir) {
  const std::string folder = shipped_data_folder();
  const std::string script = folder.empty() ? "" : folder + "/" + script_name;
  const std::string json = out_dir + "/" + json_name;
  const int rc = script.empty() ? -1
                                : spawn_and_wait({python_interpreter(), "-B", script, json, "--out",
                                                  out_dir + "/" + page_folder},
                                                 out_dir + "/render.log");
  if (rc == 0) return true;
  if (script.empty())
    std::printf("note: the page renderer (%s) was not found beside orbitmc\n", script_name.c_str());
  else
    std::printf(
        "note: the HTML page could not be rendered (see %s/render.log); run\n"
        "  python3 %s %s\n",
        printable(out_dir, 4096).c_str(), printable(script, 4096).c_str(),
        printable(json, 4096).c_str());
  return false;
}

}  // namespace

bool render_report(const std::string& out_dir) {
  return render_page("render_report.py", "report.json", "report", out_dir);
}

bool render_experiment_page(const std::string& out_dir) {
  return render_page("render_experiment.py", "experiment.json", "page", out_dir);
}

}  // namespace orbitmc
