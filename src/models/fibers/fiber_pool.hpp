// `fibers`: Boost.Fiber's stackful green threads, M:N: P threads share the fibers by work
// stealing (boost::fibers::algo::work_stealing), one fiber per task, the shape of gevent and
// of Go's goroutines. A task is written as for `threads` (straight-line, blocking style), but
// its waits are fiber waits (boost::this_fiber::sleep_for, fiber mutexes and channels): a
// waiting fiber gives its thread to the next, so C waits are in flight on P threads, each
// switch in user space. Differs from `threads_ws` only there: its unit is a fiber, not a
// thread.
//
// Boost.Fiber's work_stealing keeps its schedulers in static state, set once per process: a
// process has one pool of work-stealing threads. A FiberPool is a handle to it, started by
// the first (its setup_s) and kept for the process's life (each benchmark has a process of
// its own); asking for another thread count in the same process is an error.
//
// Tasks come in through one fiber channel; each pool thread's main fiber takes the next and
// runs it as a new fiber at once (launch::dispatch), so that a thread holds only the fibers
// that are waiting and the one that runs, and the pool's threads take tasks as they free.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "models/pool_dispatch.hpp"

namespace concbench {

class FiberPool {
 public:
  static constexpr const char* kModel = "fibers";
  // A fiber's stack: room for the deepest task (cpu.real parses and serialises JSON); glibc
  // serves it from the heap once it has freed one (its mmap threshold rises to it).
  static constexpr std::size_t kStackBytes = 256 << 10;

  // The process's pool of `workers` threads, each running the work-stealing scheduler,
  // started on first use (returns once every thread has registered with it). Throws
  // std::logic_error when the process's pool has another thread count. REQUIRES: workers >= 1.
  explicit FiberPool(std::size_t workers);
  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;

  std::size_t workers() const;
  // Runs `task` as a new fiber on the pool. REQUIRES: `task` does not throw; called from
  // outside the pool (a task that submits would wait on itself when the channel is full).
  void submit(std::function<void()> task);
  // Runs body(0) .. body(k - 1) as k fibers, started inside the pool (P starter tasks, each
  // launching its share) rather than one by one through the channel, and waits for them;
  // returns one error line per body that threw. For the I/O shape: k fibers in flight.
  std::vector<std::string> spawn(std::size_t k, const std::function<void(std::size_t)>& body);
  // each: one fiber per task; map: min(P, n) fibers that claim guided chunks.
  std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>& body,
                                    Dispatch dispatch) {
    return submit_each_or_chunks(*this, n, body, dispatch);
  }

 private:
  struct Threads;
  Threads* threads_;  // the process's, never destroyed: work_stealing cannot be made twice
};

}  // namespace concbench

namespace concbench {

// The I/O shape on fibers (asyncio's Semaphore(C) pattern): C fibers, each taking the next of
// the n tasks until none is left, so that C tasks are in flight whatever P is.
// REQUIRES: `task` is callable as TaskResult(std::size_t) from any pool thread.
template <class Task>
Batch run_lanes(FiberPool& pool, std::size_t n, std::size_t lanes, Task&& task) {
  Batch b;
  b.results.resize(n);
  std::atomic<std::size_t> next{0};
  b.errors = pool.spawn(std::min(lanes, n), [&](std::size_t) {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      if (interrupted()) throw Interrupted();
      b.results[i] = task(i);
    }
  });
  return b;
}

}  // namespace concbench
