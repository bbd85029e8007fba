// The timed-wait shape: a task that waits L and then finishes, declared once by a workload
// (io.sleep: its value; mixed: W of computing after the wait) and made by every model in its
// own idiom: a loop awaits an asio steady_timer, a worker that blocks sleeps its thread, a
// fiber sleeps as a fiber (boost::this_fiber::sleep_for: its thread runs other fibers), and
// tbb's wait is an async_node message that a reactor's timer puts back into the graph (C waits
// in flight on P threads, as a loop holds them). A skipped wait (core/fault.hpp) is skipped on
// every model alike, and every wait counts in flight (core/inflight.hpp) while it lasts.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/fault.hpp"
#include "core/inflight.hpp"
#include "models/engines.hpp"
#ifdef CONCBENCH_HAS_FIBERS
#include <boost/fiber/operations.hpp>
#endif

namespace concbench {

struct TimedTasks {
  std::size_t n;
  std::size_t lanes;  // waits in flight (C)
  std::chrono::microseconds wait;
  // Task i's result once its wait is over; t0: when the task started.
  std::function<TaskResult(std::size_t i, std::chrono::steady_clock::time_point t0)> finish;
};

// Task i on a worker that blocks while it waits: sleep(wait) is how its model blocks.
template <class Sleep>
TaskResult blocking_wait(std::size_t i, const TimedTasks& t, Sleep sleep) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!fault::skip_wait()) {
    inflight::Scope waiting;
    sleep(t.wait);
  }
  return t.finish(i, t0);
}

// Task i on a loop: the wait is a timer the loop awaits.
inline asio::awaitable<TaskResult> timer_wait(std::size_t i, std::shared_ptr<const TimedTasks> t) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!fault::skip_wait()) {
    inflight::Scope waiting;
    asio::steady_timer timer(co_await asio::this_coro::executor, t->wait);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return t->finish(i, t0);
}

// Which models a timed workload leaves out, and whether a thread or fork per wait is among
// them (per_task).
struct TimedFit {
  bool per_task = false;
  std::vector<std::string_view> without = {};
};

// Registers the workload's timed task on every model: the loops (coro, coro_mt, procs_coro)
// and tbb and fibers with `loop_grid`, the models whose workers block with `blocking_grid`.
template <class Prepare>
bool register_timed(const Workload& workload,
                    std::vector<Params> (*loop_grid)(const Suite&, std::string_view),
                    std::vector<Params> (*blocking_grid)(const Suite&, std::string_view),
                    Prepare prepare, TimedFit fit = {}) {
  register_on_loops(workload, loop_grid, [prepare](const Params& p) {
    auto t = std::make_shared<const TimedTasks>(prepare(p));
    return [t](const std::vector<asio::io_context*>&) {
      return LoopTasks{t->n, t->lanes, [t](std::size_t i, std::size_t) { return timer_wait(i, t); }};
    };
  }, {.processes = true});
  // One wait per worker at a time (procs: one message in flight each), so that a sleeping
  // task never holds another behind it while a worker is free.
  register_on_engines(workload, blocking_grid, [prepare](const Params& p) {
    auto t = std::make_shared<const TimedTasks>(prepare(p));
    return TaskList{t->n, [t](std::size_t i) {
                      return blocking_wait(i, *t, [](std::chrono::microseconds d) { std::this_thread::sleep_for(d); });
                    }};
  }, {.blocking = true, .per_task = fit.per_task, .without = fit.without, .processes = true, .depth = 1});
  const auto left_out = [&](std::string_view m) {
    return std::find(fit.without.begin(), fit.without.end(), m) != fit.without.end();
  };
  if (!left_out("tbb"))
  register_case(case_on(workload, "tbb", loop_grid, [prepare](const Params& p) {
            auto t = std::make_shared<const TimedTasks>(prepare(p));
            return make_trial<TbbIo>(std::make_unique<TbbIo>(p.get("workers")), [t](TbbIo& e) {
              return run_tasks(e, t->n, InFlight{t->lanes},
                               [&](std::size_t i, std::size_t lane, TbbIo::Resume resume) {
                                 const auto t0 = std::chrono::steady_clock::now();
                                 auto rest = [i, t0, t] { return t->finish(i, t0); };
                                 if (fault::skip_wait()) return resume(rest);
                                 inflight::enter();
                                 e.after(t->wait, lane, [rest, resume = std::move(resume)] {
                                   inflight::leave();
                                   resume(rest);
                                 });
                               });
            });
  }, nullptr));
#ifdef CONCBENCH_HAS_FIBERS
  if (!left_out("fibers"))
  register_case(case_on(workload, "fibers", loop_grid, [prepare](const Params& p) {
            auto t = std::make_shared<const TimedTasks>(prepare(p));
            return make_trial<FiberPool>(std::make_unique<FiberPool>(p.get("workers")), [t](FiberPool& pool) {
              return run_lanes(pool, t->n, t->lanes, [&](std::size_t i) {
                return blocking_wait(i, *t, [](std::chrono::microseconds d) { boost::this_fiber::sleep_for(d); });
              });
            });
  }, nullptr));
#endif
  return true;
}

}  // namespace concbench
