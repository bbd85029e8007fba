// The thread-based engines (TBB's are in test_tbb_arena.cpp: Debian's libtbb is not built for
// ThreadSanitizer, which then cannot see TBB's own synchronisation and reports false races)
// : start and stop under repeated use, every task runs once, errors
// are collected (never lost), nested fork-join does not deadlock, and a coroutine that is
// neither awaited nor spawned never runs.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/loop_watch.hpp"
#include "models/event_loop.hpp"
#include "models/thread_per_task.hpp"
#include "models/stealing_pool.hpp"
#include "models/thread_pool.hpp"

namespace concbench {
namespace {

TaskResult square(std::size_t i) { return {i * i, 0}; }

template <class Engine>
void expect_every_task_once(Engine& e, std::size_t n, Dispatch g) {
  const Batch b = run_tasks(e, n, square, g);
  ASSERT_TRUE(b.errors.empty()) << b.errors.front();
  ASSERT_EQ(b.results.size(), n);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(b.results[i].value, i * i) << "task " << i;
}

// The loop-lag probe is an instrument: a loop runs it only while the harness probes, so that
// its wake-ups are in no timed run (bench/harness.cpp probes in a run of its own).
TEST(EventLoop, KeepsTheLagProbeOnlyWhileProbing) {
  loop_watch::probing(false);
  loop_watch::take_lag();
  EventLoop loop;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(loop_watch::take_lag().empty()) << "the probe woke a loop nobody probes";
  EXPECT_EQ(loop_watch::probing(true), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  loop_watch::probing(false);
  EXPECT_FALSE(loop_watch::take_lag().empty()) << "no lag sample while probing";
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a wake-up already due may land
  loop_watch::take_lag();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(loop_watch::take_lag().empty()) << "the probe kept running after probing ended";
}

TEST(ThreadPool, StartsAndStopsRepeatedly) {
  for (int round = 0; round < 50; ++round) {
    ThreadPool pool(std::size_t(1 + round % 4));
    expect_every_task_once(pool, 100, Dispatch::map);
  }
}

TEST(ThreadPool, CollectsEveryErrorInBothDispatches) {
  ThreadPool pool(3);
  for (Dispatch d : {Dispatch::each, Dispatch::map}) {
    const Batch b = run_tasks(pool, 100, [](std::size_t i) -> TaskResult {
      if (i % 10 == 3) throw std::runtime_error("boom");
      return {i, 0};
    }, d);
    EXPECT_EQ(b.errors.size(), 10u);
    EXPECT_NE(b.errors.front().find("boom"), std::string::npos);
    EXPECT_NE(b.errors.front().find("task "), std::string::npos);
    // The pool is still usable after failures.
    expect_every_task_once(pool, 50, d);
  }
}

TEST(ThreadPool, BothDispatchesRunEveryTaskOnceAtEverySize) {
  for (std::size_t workers : {1, 2, 5})
    for (std::size_t n : {0, 1, 7, 64, 1000, 20011}) {
      ThreadPool pool(workers);
      expect_every_task_once(pool, n, Dispatch::each);
      expect_every_task_once(pool, n, Dispatch::map);
    }
}

TEST(StealingPool, BothDispatchesRunEveryTaskOnceAndCollectEveryError) {
  for (std::size_t workers : {1, 2, 5})
    for (std::size_t n : {0, 1, 7, 64, 1000, 20011}) {
      StealingPool pool(workers);
      expect_every_task_once(pool, n, Dispatch::each);
      expect_every_task_once(pool, n, Dispatch::map);
    }
  StealingPool pool(3);
  for (Dispatch d : {Dispatch::each, Dispatch::map}) {
    const Batch b = run_tasks(pool, 100, [](std::size_t i) -> TaskResult {
      if (i % 10 == 3) throw std::runtime_error("boom");
      return {i, 0};
    }, d);
    EXPECT_EQ(b.errors.size(), 10u);
  }
}

TEST(StealingPool, IdleWorkersStealFromABusyOne) {
  // Every outside submit goes to the next queue in turn; with one worker held busy, its
  // queued tasks must still run (stolen by the others) before it is released.
  StealingPool pool(3);
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  pool.submit([&] { release.wait(false); });  // worker 0's queue: it blocks there
  for (int k = 0; k < 30; ++k) pool.submit([&] { ++ran; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ran.load() < 30 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(ran.load(), 30);
  release = true;
  release.notify_all();
}

TEST(ThreadPool, HelpingWaitMakesNestedForkJoinSafeOnOneWorker) {
  ThreadPool pool(1);
  std::atomic<int> leaves{0};
  std::function<void(int)> rec = [&](int depth) {
    if (depth == 0) {
      ++leaves;
      return;
    }
    std::atomic<bool> done{false};
    pool.submit([&] {
      rec(depth - 1);
      done = true;
    });
    rec(depth - 1);
    while (!done) pool.try_run_one();
  };
  std::atomic<bool> finished{false};
  pool.submit([&] {
    rec(6);
    finished = true;
    finished.notify_all();
  });
  finished.wait(false);
  EXPECT_EQ(leaves.load(), 64);
}

TEST(ThreadPerTask, RunsEveryTaskWithBoundedThreads) {
  ThreadPerTask e(4);
  expect_every_task_once(e, 200, Dispatch::each);
  const Batch b = run_tasks(e, 10, [](std::size_t i) -> TaskResult {
    if (i == 7) throw std::runtime_error("seven");
    return {i, 0};
  }, Dispatch::each);
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_NE(b.errors[0].find("task 7: seven"), std::string::npos);
}

TEST(EventLoop, StartsAndStopsRepeatedly) {
  for (int round = 0; round < 50; ++round) {
    EventLoop loop;
    const Batch b = run_tasks(loop, 100, InFlight{10}, [](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
      co_return TaskResult{i * i, 0};
    });
    ASSERT_TRUE(b.errors.empty());
    for (std::size_t i = 0; i < 100; ++i) ASSERT_EQ(b.results[i].value, i * i);
  }
}

TEST(EventLoop, LanesBoundTheTasksInFlight) {
  EventLoop loop;
  int in_flight = 0, most = 0;  // one loop thread: no data race
  const Batch b = run_tasks(loop, 200, InFlight{7}, [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
    most = std::max(most, ++in_flight);
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::microseconds(100));
    co_await t.async_wait(asio::use_awaitable);
    --in_flight;
    co_return TaskResult{i, 0};
  });
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(most, 7);
}

TEST(EventLoop, ExceptionsBecomeErrorsNotLostTasks) {
  EventLoop loop;
  const Batch b = run_tasks(loop, 30, InFlight{5}, [](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
    if (i % 3 == 0) throw std::runtime_error("async boom");
    co_return TaskResult{i, 0};
  });
  EXPECT_EQ(b.errors.size(), 10u);
  EXPECT_NE(b.errors.front().find("async boom"), std::string::npos);
}

TEST(EventLoop, ACoroutineNeitherAwaitedNorSpawnedNeverRuns) {
  EventLoop loop;
  bool ran = false;
  auto body = [&]() -> asio::awaitable<void> {
    ran = true;
    co_return;
  };
  {
    auto never = body();  // created, not awaited, not spawned: destroyed unrun
  }
  loop.run([] () -> asio::awaitable<void> { co_return; });
  EXPECT_FALSE(ran);
  loop.run(body);  // spawned: runs
  EXPECT_TRUE(ran);
}

TEST(LoopGroup, SplitsTasksOverLoops) {
  for (int round = 0; round < 10; ++round) {
    LoopGroup g(3);
    std::mutex mu;
    std::set<std::thread::id> threads;
    const Batch b = run_tasks(g, 300, InFlight{9}, [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
      {
        std::lock_guard lock(mu);
        threads.insert(std::this_thread::get_id());
      }
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::microseconds(200));
      co_await t.async_wait(asio::use_awaitable);  // every lane waits: all loops take part
      co_return TaskResult{i + 1, 0};
    });
    ASSERT_TRUE(b.errors.empty());
    for (std::size_t i = 0; i < 300; ++i) ASSERT_EQ(b.results[i].value, i + 1);
    EXPECT_EQ(threads.size(), 3u);
  }
}

}  // namespace
}  // namespace concbench
