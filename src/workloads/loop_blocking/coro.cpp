// loop.blocking on `coro`: the probe and the blocker are two coroutines on one loop. async
// awaits a timer; sleep and cpu block the loop itself; to_thread runs the sleep on an
// asio::thread_pool and awaits it (asyncio.to_thread); to_procs runs the CPU work on a
// process pool, awaited through that thread pool (run_in_executor with a
// ProcessPoolExecutor). The slow-step detector (core/loop_watch.hpp) watches the loop.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/fault.hpp"
#include "core/loop_watch.hpp"
#include "models/event_loop.hpp"
#include "models/process_pool.hpp"
#include "workloads/loop_blocking/loop_blocking.hpp"

namespace concbench::loop_blocking {
namespace {

using Clock = std::chrono::steady_clock;

// The loop and what it offloads to; the process pool is forked before any thread starts.
struct Offloading {
  explicit Offloading(const Config& c)
      : procs(c.block == Block::to_procs
                  ? std::make_unique<ProcessPool>(1, task_handler([c](std::size_t k) {
                      return TaskResult{blocking_call(k, c), 0};
                    }))
                  : nullptr) {}
  ProbeLog log;
  std::unique_ptr<ProcessPool> procs;
  EventLoop loop;
  asio::thread_pool offload{1};
};

asio::awaitable<TaskResult> probe(ProbeLog& log, Config c) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto start = Clock::now();
  while (!log.done()) {
    if (Clock::now() - start > log.deadline(c)) {
      log.stopped_by_deadline();
      break;
    }
    const auto t0 = Clock::now();
    timer.expires_after(kProbePeriod);
    co_await timer.async_wait(asio::use_awaitable);
    log.record(Clock::now() - t0 - kProbePeriod);
  }
  co_return TaskResult{probe_value(), 0};
}

asio::awaitable<TaskResult> blocker(Offloading& e, Config c) {
  EndsProbe ends{e.log};
  asio::steady_timer timer(co_await asio::this_coro::executor);
  uint64_t acc = 0;
  for (std::size_t k = 0; k < c.tasks; ++k) {
    timer.expires_after(c.length);  // the gap: the probe runs alone
    co_await timer.async_wait(asio::use_awaitable);
    uint64_t v = 0;
    switch (c.block) {
      case Block::async: {
        const auto t0 = Clock::now();
        if (!fault::skip_wait()) {
          timer.expires_after(c.length);
          co_await timer.async_wait(asio::use_awaitable);
        }
        check_length(k, Clock::now() - t0, c);
        v = call_value(k, c);
        break;
      }
      case Block::sleep:
      case Block::cpu:
        v = blocking_call(k, c);  // on the loop's own thread: every other coroutine waits
        break;
      case Block::to_thread:
      case Block::to_procs:
        v = co_await asio::co_spawn(
            e.offload.get_executor(),
            [&e, k, c]() -> asio::awaitable<uint64_t> {
              if (c.block == Block::to_procs) co_return run_one(*e.procs, k).value;
              co_return blocking_call(k, c);
            },
            asio::use_awaitable);
        break;
    }
    acc = fold(acc, v);
  }
  co_return TaskResult{acc, 0};
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<Offloading>(std::make_unique<Offloading>(c), [c](Offloading& e) {
            loop_watch::enable();
            Batch b = with_probe(e.log, [&] {
              return run_tasks(e.loop, 2, InFlight{2}, [&](std::size_t i, std::size_t) {
                return i == 0 ? probe(e.log, c) : blocker(e, c);
              });
            });
            const loop_watch::Slow slow = loop_watch::take();
            loop_watch::disable();
            b.figures.emplace_back("slow_steps", double(slow.steps));
            b.figures.emplace_back("slow_step_max_ms", slow.max_ms);
            return b;
          });
        },
});

}  // namespace
}  // namespace concbench::loop_blocking
