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

#include "io/atomic_file.hpp"

namespace orbitmc {

namespace {

// Never destroyed: the detached watcher may still use them while exit() runs static
// destructors.
struct Shared {
  std::mutex mutex;
  std::function<void(int)> action;
  std::atomic<pid_t> child{0};
  std::atomic<int> received{0};  // the signal the watcher is handling, 0 before one
  std::atomic<bool> from_parent{false};
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
  siginfo_t info{};
  int sig = -1;
  while ((sig = sigwaitinfo(&set, &info)) < 0) {
  }
  // Who sent it: under mpirun the launcher, our parent, turns SIGINT and SIGTERM alike into a
  // SIGTERM to every rank, and the report should say so rather than name a signal not sent.
  shared().from_parent.store(info.si_code == SI_USER && info.si_pid == ::getppid());
  shared().received.store(sig);
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
  abandon_temporaries();  // a state file being written by another thread now, say
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

bool interrupt_sent_by_parent() { return shared().from_parent.load(); }

void wait_if_interrupted() {
  if (shared().received.load() == 0) return;
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // the watcher exits
}

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
