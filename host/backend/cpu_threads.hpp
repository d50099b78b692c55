// The CPU's parallel loop: body(t) for t < n on n std::threads, joined before returning. Every
// CPU computation (sampling chains, training seeds) splits its items into contiguous ranges,
// one per thread, so results never depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "input_error.hpp"
#include "parallel/ranks.hpp"

namespace orbitmc {

// When a thread cannot be started (thread limits, an address-space limit too small for n
// stacks) the started ones are joined (a joinable std::thread destroyed would terminate the
// process) and InputError names --threads.
template <class F>
void run_on_threads(uint64_t n, F&& body) {
  std::vector<std::thread> pool;
  pool.reserve(n);  // no reallocation (and no bad_alloc) while threads are running
  try {
    for (uint64_t t = 0; t < n; ++t) pool.emplace_back([&body, t] { body(t); });
  } catch (const std::exception& e) {  // std::system_error, or bad_alloc for a thread's state
    for (auto& th : pool) th.join();
    bad_input("--threads", n,
              "only " + std::to_string(pool.size()) + " threads could be started here (" +
                  e.what() + "); use fewer");
  }
  for (auto& th : pool) th.join();
}

// Threads for `items` independent items: `requested` (0: every hardware thread, shared out
// among the MPI ranks on this node), never more than the items.
inline uint64_t cpu_thread_count(uint64_t requested, uint64_t items) {
  const unsigned ranks = static_cast<unsigned>(parallel::local_size());
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency() / std::max(1u, ranks));
  return std::min<uint64_t>(requested > 0 ? requested : hw, std::max<uint64_t>(1, items));
}

// Starts and joins the threads a run over `items` items will use (cpu_thread_count), so that a
// count this process cannot start (an address-space limit too small for their stacks) is
// refused before any work, not at the first parallel loop after some results were replaced.
inline void check_threads_start(uint64_t requested, uint64_t items) {
  run_on_threads(cpu_thread_count(requested, items), [](uint64_t) {});
}

// body(first, last) over contiguous ranges [first, last) of `items` independent items, one per
// thread (cpu_thread_count(requested, items) of them), so a result written per item never
// depends on the thread count. An exception thrown by a body is rethrown here once every
// thread has joined (the first one, if several throw).
template <class F>
void run_on_ranges(uint64_t requested, uint64_t items, F&& body) {
  const uint64_t n = cpu_thread_count(requested, items);
  std::exception_ptr failure;
  std::mutex failure_lock;
  run_on_threads(n, [&](uint64_t t) {
    try {
      body(items * t / n, items * (t + 1) / n);
    } catch (...) {
      const std::lock_guard<std::mutex> hold(failure_lock);
      if (!failure) failure = std::current_exception();
    }
  });
  if (failure) std::rethrow_exception(failure);
}

}  // namespace orbitmc
