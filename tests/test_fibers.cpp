// The fibers engine (Boost.Fiber, work stealing): every task once in both dispatches, every
// error collected, the I/O shape's fibers all in flight at once on fewer threads, and the one
// pool a process may have. Each test runs in a process of its own (gtest_discover_tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>

#include <boost/fiber/operations.hpp>

#include "models/fibers/fiber_pool.hpp"

namespace concbench {
namespace {

TEST(FiberPool, BothDispatchesRunEveryTaskOnceAndCollectEveryError) {
  FiberPool pool(2);
  for (std::size_t n : {0, 1, 7, 64, 1000, 20011})
    for (Dispatch d : {Dispatch::each, Dispatch::map}) {
      const Batch b = run_tasks(pool, n, [](std::size_t i) -> TaskResult { return {i * i, 0}; }, d);
      ASSERT_TRUE(b.errors.empty()) << b.errors.front();
      ASSERT_EQ(b.results.size(), n);
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(b.results[i].value, i * i) << "task " << i;
    }
  for (Dispatch d : {Dispatch::each, Dispatch::map}) {
    const Batch b = run_tasks(pool, 100, [](std::size_t i) -> TaskResult {
      if (i % 10 == 3) throw std::runtime_error("boom");
      return {i, 0};
    }, d);
    EXPECT_EQ(b.errors.size(), 10u);
  }
}

TEST(FiberPool, WaitingFibersFreeTheirThreadsSoEveryLaneIsInFlight) {
  // 200 lanes on 2 threads, each task a fiber sleep: had a sleep held its thread, at most 2
  // would be asleep at once.
  FiberPool pool(2);
  std::atomic<int> asleep{0}, most{0};
  const Batch b = run_lanes(pool, 400, 200, [&](std::size_t i) -> TaskResult {
    const int now = ++asleep;
    for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
    }
    boost::this_fiber::sleep_for(std::chrono::milliseconds(20));
    --asleep;
    return {i, 0};
  });
  ASSERT_TRUE(b.errors.empty()) << b.errors.front();
  for (std::size_t i = 0; i < 400; ++i) ASSERT_EQ(b.results[i].value, i);
  EXPECT_EQ(most.load(), 200);
}

TEST(FiberPool, AProcessHasOnePoolAndAnotherSizeIsAnError) {
  FiberPool a(2);
  FiberPool again(2);  // the same threads
  EXPECT_EQ(again.workers(), 2u);
  EXPECT_THROW(FiberPool(3), std::logic_error);
}

}  // namespace
}  // namespace concbench
