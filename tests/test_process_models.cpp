// The process engines and the echo server: every child reaped, no zombie or orphan, a
// killed worker becomes an error naming the signal and the pool recovers, a crashing
// fork_per_task child is an error, not a hang.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/inflight.hpp"
#include "models/process_pool.hpp"
#include "models/procs_coro.hpp"
#include "servers/echo_server.hpp"
#include "test_support.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench {
namespace {

using test::live_children;
using test::zombie_children;

TaskResult triple(std::size_t i) { return {3 * i, 0}; }

TEST(ProcessPool, StartsAndStopsRepeatedlyLeavingNoProcess) {
  for (int round = 0; round < 20; ++round) {
    {
      ProcessPool pool(std::size_t(1 + round % 4), task_handler(triple));
      const Batch b = run_tasks(pool, 101, round % 2 ? Dispatch::map : Dispatch::each);
      ASSERT_TRUE(b.errors.empty()) << b.errors.front();
      for (std::size_t i = 0; i < 101; ++i) ASSERT_EQ(b.results[i].value, 3 * i);
    }
    ASSERT_TRUE(live_children().empty()) << "a worker outlived its pool";
  }
}

TEST(ProcessPool, HandlerExceptionIsAnErrorAndThePoolGoesOn) {
  ProcessPool pool(2, task_handler([](std::size_t i) -> TaskResult {
                     if (i == 5) throw std::runtime_error("five is bad");
                     return {i, 0};
                   }));
  const Batch b = run_tasks(pool, 10, Dispatch::each);
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_NE(b.errors[0].find("five is bad"), std::string::npos);
  EXPECT_TRUE(run_tasks(pool, 4, Dispatch::each).errors.empty());
}

TEST(ProcessPool, AWorkerKilledMidRunIsAnErrorNamingTheSignalAndIsReplaced) {
  {
    ProcessPool pool(2, task_handler([](std::size_t i) -> TaskResult {
                       std::this_thread::sleep_for(std::chrono::milliseconds(20));
                       return {i, 0};
                     }));
    const pid_t victim = pool.pids()[0];
    std::thread killer([victim] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      kill(victim, SIGKILL);
    });
    const Batch b = run_tasks(pool, 20, Dispatch::each);
    killer.join();
    // The tasks in flight on the victim fail (dispatch:each keeps two per worker), no other.
    ASSERT_GE(b.errors.size(), 1u);
    ASSERT_LE(b.errors.size(), 2u);
    for (const auto& e : b.errors) {
      EXPECT_NE(e.find("killed by signal 9"), std::string::npos) << e;
      EXPECT_NE(e.find(std::to_string(victim)), std::string::npos) << e;
    }
    EXPECT_EQ(pool.replaced(), 1u);
    // Recovered: a full run on the same pool succeeds.
    const Batch again = run_tasks(pool, 20, Dispatch::each);
    EXPECT_TRUE(again.errors.empty());
    EXPECT_TRUE(zombie_children().empty());
  }
  EXPECT_TRUE(live_children().empty());
}

TEST(ProcessPool, AWorkerThatDiesWhileIdleIsReplacedBeforeItsNextTask) {
  ProcessPool pool(1, task_handler(triple));
  kill(pool.pids()[0], SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const Batch b = run_tasks(pool, 8, Dispatch::each);
  // The death is noticed either when sending (the task fails) or while idle (no task lost).
  EXPECT_LE(b.errors.size(), 1u);
  EXPECT_TRUE(run_tasks(pool, 8, Dispatch::each).errors.empty());
}

TEST(ProcessPool, ReportsWorkerUsage) {
  ProcessPool pool(2, task_handler(triple));
  run_tasks(pool, 10, Dispatch::map);
  const Usage u = pool.usage();
  EXPECT_GT(u.peak_rss_bytes, 0);
  EXPECT_GE(u.user_s + u.sys_s, 0.0);
}

TEST(ProcsCoro, ShardsRunOnEachProcessLoop) {
  {
    ProcessPool pool(3, shard_handler([](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                       co_return TaskResult{i + 10, 0};
                     }));
    const Batch b = run_tasks(pool, 100, InFlight{12});
    ASSERT_TRUE(b.errors.empty()) << b.errors.front();
    for (std::size_t i = 0; i < 100; ++i) ASSERT_EQ(b.results[i].value, i + 10);
  }
  EXPECT_TRUE(live_children().empty());
}

// Never more in flight than asked, whatever the lanes per process: fewer lanes than processes
// (C = 1 on 3 processes: seen 2 in flight when guided chunks went to every process), as
// many (guided chunks, one at a time per process), more (shards).
TEST(ProcsCoro, KeepsExactlyTheLanesAskedInFlight) {
  ProcessPool pool(3, shard_handler([](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                     inflight::Scope waiting;
                     asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(2));
                     co_await t.async_wait(asio::use_awaitable);
                     co_return TaskResult{i + 10, 0};
                   }));
  for (std::size_t lanes : {1, 2, 3, 7}) {
    inflight::reset();
    const Batch b = run_tasks(pool, 30, InFlight{lanes});
    ASSERT_TRUE(b.errors.empty()) << b.errors.front();
    for (std::size_t i = 0; i < 30; ++i) ASSERT_EQ(b.results[i].value, i + 10);
    EXPECT_LE(inflight::peak(), int64_t(lanes)) << lanes << " lanes";
    EXPECT_GE(inflight::peak(), 1) << lanes << " lanes";
  }
}

TEST(ForkPerTask, EveryChildReapedAndACrashIsAnError) {
  {
    ForkPerTask e(3);
    const Batch ok = run_tasks(e, 20, triple);
    ASSERT_TRUE(ok.errors.empty());
    for (std::size_t i = 0; i < 20; ++i) ASSERT_EQ(ok.results[i].value, 3 * i);
    const Batch bad = run_tasks(e, 6, [](std::size_t i) -> TaskResult {
      if (i == 4) std::raise(SIGKILL);  // not SIGSEGV: sanitizers catch that one and exit(1)
      return {i, 0};
    });
    ASSERT_EQ(bad.errors.size(), 1u);
    EXPECT_NE(bad.errors[0].find("killed by signal 9"), std::string::npos) << bad.errors[0];
  }
  EXPECT_TRUE(live_children().empty());
}

TEST(EchoServer, EchoesAndStopsCleanly) {
  for (int round = 0; round < 5; ++round) {
    {
      EchoServer server;
      io_echo::Connection c(server.endpoint());
      for (std::size_t i = 0; i < 10; ++i) {
        const TaskResult r = c.round_trip(i, round == 0 ? 0 : 200);
        EXPECT_EQ(r.value, io_echo::value_of(io_echo::request(i, round == 0 ? 0 : 200)));
      }
    }
    EXPECT_TRUE(live_children().empty());
  }
}

TEST(Endpoint, ParsesHostAndPort) {
  EXPECT_EQ(parse_endpoint("127.0.0.1:7")->port, 7);
  EXPECT_EQ(parse_endpoint("localhost:65535")->host, "localhost");
  EXPECT_FALSE(parse_endpoint("nope"));
  EXPECT_FALSE(parse_endpoint("host:0"));
  EXPECT_FALSE(parse_endpoint("host:99999"));
  EXPECT_FALSE(parse_endpoint(":80"));
}

}  // namespace
}  // namespace concbench
