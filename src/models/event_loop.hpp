// `coro`: one Boost.Asio io_context on one thread, work as C++20 coroutines (asyncio's shape).
// `coro_mt`: one such loop per worker thread (LoopGroup). I/O is done with asio's async
// operations; a coroutine that computes blocks its loop, as it would in asyncio.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/case.hpp"
#include "models/tasks.hpp"

namespace concbench {

namespace asio = boost::asio;

class EventLoop {
 public:
  // Starts the loop's thread; returns once the loop is running.
  EventLoop();
  // Stops the loop (pending handlers are abandoned) and joins its thread.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  asio::io_context& context() { return ctx_; }
  std::size_t workers() const { return 1; }

  // Runs `body` on the loop and waits for it here; its exception is rethrown here.
  void run(std::function<asio::awaitable<void>()> body);

 private:
  // The loop-lag probe (core/loop_watch.hpp): while probing, a timer due every kLagPeriod,
  // its lateness recorded; one wake-up per millisecond per loop is its whole cost.
  void arm_lag_probe();
  bool probing_ = false;  // on the loop's thread only

  asio::io_context ctx_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  asio::steady_timer lag_timer_{ctx_};
  std::chrono::steady_clock::time_point lag_due_{};
  std::thread thread_;
};

class LoopGroup {
 public:
  // `loops` EventLoops, each on its own thread. REQUIRES: loops >= 1.
  explicit LoopGroup(std::size_t loops);
  std::size_t workers() const { return loops_.size(); }
  EventLoop& loop(std::size_t i) { return *loops_[i]; }

 private:
  std::vector<std::unique_ptr<EventLoop>> loops_;
};

// An I/O task on a loop: task `i`, run by lane `lane` (a lane is one worker coroutine; a
// workload may keep one connection per lane). Lane k of a LoopGroup runs on loop k % P.
using AsyncTask = std::function<asio::awaitable<TaskResult>(std::size_t i, std::size_t lane)>;
// A CPU task: it never suspends, so on a loop it runs to its end once started.
using CpuTask = std::function<TaskResult(std::size_t i)>;

// I/O: runs tasks [0, n) with at most `in_flight.lanes` in flight. Every coroutine is spawned
// with a completion handler: an exception becomes an error line, never a lost task.
Batch run_tasks(EventLoop& loop, std::size_t n, InFlight in_flight, const AsyncTask& task);
Batch run_tasks(LoopGroup& group, std::size_t n, InFlight in_flight, const AsyncTask& task);
// The same on a fresh io_context run by the calling thread (one loop per worker process).
Batch run_tasks_here(std::size_t n, InFlight in_flight, const AsyncTask& task);

// CPU: map: each loop runs one coroutine over guided chunks of [0, n) claimed from one index
// (models/tasks.hpp; one loop: all of it), as a coroutine mapping over a list does; each: one co_spawn per task, the loops
// claiming indices one at a time, at most 1,024 spawned and unfinished per loop (a server
// taking requests as they come; the bound keeps 200,000 tasks from being 200,000 frames).
Batch run_tasks(EventLoop& loop, std::size_t n, const CpuTask& task, Dispatch dispatch);
Batch run_tasks(LoopGroup& group, std::size_t n, const CpuTask& task, Dispatch dispatch);

}  // namespace concbench
