// The signal watcher thread (see interrupt.hpp).
#include "io/interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

namespace orbitmc {

namespace {

// Never destroyed: the detached watcher may still use them while exit() runs static
// destructors.
struct Shared {
  std::mutex mutex;
  std::function<void(int)> action;
  std::atomic<pid_t> child{0};
};
Shared& shared() {
  static Shared* s = new Shared;
  return *s;
}

sigset_t interrupt_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);  // the terminal went away
  return set;
}

// Stops the report renderer and waits for it (at most 2 s), so it can remove its own
// temporaries before orbitmc exits.
void stop_child(pid_t child) {
  ::kill(child, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  siginfo_t info{};
  while (std::chrono::steady_clock::now() < deadline) {
    info.si_pid = 0;
    // WNOWAIT: observe without reaping; the spawning thread reaps it.
    if (::waitid(P_PID, child, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void watch() {
  const sigset_t set = interrupt_set();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  std::fprintf(stderr, "\norbitmc: %s: stopping\n", interrupt_name(sig));
  Shared& s = shared();
  if (const pid_t child = s.child.load(); child > 0) stop_child(child);
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.action) {
      try {
        s.action(sig);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "orbitmc: could not mark the report incomplete: %s\n", e.what());
      }
    }
  }
  std::fflush(stdout);
  std::fflush(stderr);
  ::_exit(128 + sig);  // no exit handlers: other threads may be mid-computation
}

}  // namespace

void block_interrupts() {
  // A closed pipe on stdout (orbitmc ... | head) must not kill a run: writes fail instead,
  // and the report is still written.
  ::signal(SIGPIPE, SIG_IGN);
  const sigset_t set = interrupt_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  shared();  // before any signal can arrive
  std::thread(watch).detach();
}

void set_interrupt_action(std::function<void(int)> action) {
  Shared& s = shared();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.action = std::move(action);
}

void set_interrupt_child(pid_t pid) { shared().child.store(pid); }

const char* interrupt_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "signal";
  }
}

}  // namespace orbitmc
