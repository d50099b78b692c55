// The CPU's parallel loops (backend/cpu_threads.hpp): run_on_ranges hands every item to exactly
// one thread in contiguous ranges, and a body's exception reaches the caller after every thread
// has joined.
#include "backend/cpu_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace orbitmc {
namespace {

TEST(CpuThreads, RangesCoverEveryItemOnceInOrder) {
  for (uint64_t items : {0u, 1u, 5u, 1000u})
    for (uint64_t threads : {1u, 2u, 3u, 7u}) {
      std::vector<std::atomic<int>> seen(items);
      std::atomic<uint64_t> ranges{0};
      run_on_ranges(threads, items, [&](uint64_t first, uint64_t last) {
        EXPECT_LE(first, last);
        ++ranges;
        for (uint64_t i = first; i < last; ++i) ++seen[i];
      });
      // One range per thread, never more threads than items (and one for none).
      EXPECT_EQ(ranges.load(), std::min<uint64_t>(threads, std::max<uint64_t>(items, 1)));
      for (uint64_t i = 0; i < items; ++i)
        EXPECT_EQ(seen[i].load(), 1) << i << " of " << items << " on " << threads;
    }
}

TEST(CpuThreads, AnExceptionIsRethrownAfterEveryThreadFinished) {
  std::atomic<int> finished{0};
  EXPECT_THROW(run_on_ranges(4, 4,
                             [&](uint64_t first, uint64_t) {
                               if (first == 1) throw std::runtime_error("range 1");
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
