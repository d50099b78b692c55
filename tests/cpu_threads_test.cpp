// The CPU's parallel loops (backend/cpu_threads.hpp): run_on_ranges hands every item to exactly
// one thread in contiguous ranges, and a body's exception reaches the caller after every thread
// has joined.
#include "backend/cpu_threads.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace orbitmc {
namespace {

TEST(CpuThreads, RangesCoverEveryItemOnceInOrder) {
  for (uint64_t items : {0u, 1u, 5u, 1000u})
    for (uint64_t threads : {1u, 2u, 3u, 7u}) {
      std::vector<std::atomic<int>> seen(items);
      std::mutex m;
      std::vector<std::pair<uint64_t, uint64_t>> ranges;
      run_on_ranges(threads, items, [&](uint64_t first, uint64_t last) {
        EXPECT_LE(first, last);
        {
          std::lock_guard<std::mutex> lock(m);
          ranges.emplace_back(first, last);
        }
        for (uint64_t i = first; i < last; ++i) ++seen[i];
      });
      // One range per thread, never more threads than items (and one for none).
      ASSERT_EQ(ranges.size(), std::min<uint64_t>(threads, std::max<uint64_t>(items, 1)));
      for (uint64_t i = 0; i < items; ++i)
        EXPECT_EQ(seen[i].load(), 1) << i << " of " << items << " on " << threads;
      // Contiguous, in order, tiling [0, items), sizes within one of each other.
      std::sort(ranges.begin(), ranges.end());
      EXPECT_EQ(ranges.front().first, 0u);
      EXPECT_EQ(ranges.back().second, items);
      uint64_t smallest = items, largest = 0;
      for (size_t k = 0; k < ranges.size(); ++k) {
        if (k > 0) EXPECT_EQ(ranges[k].first, ranges[k - 1].second);
        smallest = std::min(smallest, ranges[k].second - ranges[k].first);
        largest = std::max(largest, ranges[k].second - ranges[k].first);
      }
      EXPECT_LE(largest - smallest, 1u) << items << " on " << threads;
    }
}

TEST(CpuThreads, AnExceptionIsRethrownAfterEveryThreadFinished) {
  std::atomic<int> finished{0};
  // The other ranges take longer than the throwing one: the call must still wait for them.
  EXPECT_THROW(run_on_ranges(4, 4,
                             [&](uint64_t first, uint64_t) {
                               if (first == 1) throw std::runtime_error("range 1");
                               std::this_thread::sleep_for(std::chrono::milliseconds(50));
                               ++finished;
                             }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 3);  // the other three ranges ran to their end
  try {
    run_on_ranges(2, 2, [](uint64_t first, uint64_t) {
      throw std::invalid_argument(first == 0 ? "range 0" : "range 1");
    });
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_TRUE(what == "range 0" || what == "range 1") << what;
  }
}

}  // namespace
}  // namespace orbitmc
