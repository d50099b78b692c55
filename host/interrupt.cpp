// The signal watcher thread (see interrupt.hpp).
#include "interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

namespace orbitmc {

namespace {

std::mutex g_mutex;
std::function<void(int)> g_action;
std::atomic<pid_t> g_child{0};

sigset_t interrupt_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void watch() {
  const sigset_t set = interrupt_set();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  std::fprintf(stderr, "\norbitmc: %s: stopping\n", interrupt_name(sig));
  if (const pid_t child = g_child.load(); child > 0) ::kill(child, SIGTERM);
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_action) {
      try {
        g_action(sig);
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
  const sigset_t set = interrupt_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread(watch).detach();
}

void set_interrupt_action(std::function<void(int)> action) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_action = std::move(action);
}

void set_interrupt_child(pid_t pid) { g_child.store(pid); }

const char* interrupt_name(int sig) {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal";
}

}  // namespace orbitmc
