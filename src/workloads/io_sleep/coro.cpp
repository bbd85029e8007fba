// io.sleep on `coro`: C coroutines on one loop, each awaiting an asio steady_timer.
#include "models/event_loop.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace concbench::io_sleep {

asio::awaitable<TaskResult> timer_task(std::size_t i, std::chrono::microseconds latency) {
  const auto t0 = std::chrono::steady_clock::now();
  asio::steady_timer timer(co_await asio::this_coro::executor, latency);
  co_await timer.async_wait(asio::use_awaitable);
  const auto ns = std::chrono::steady_clock::now() - t0;
  co_return TaskResult{value(i), uint64_t(std::chrono::nanoseconds(ns).count())};
}

namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loop); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [c](EventLoop& loop) {
            return run_async(loop, c.tasks, c.concurrency, [&](std::size_t i, std::size_t) {
              return timer_task(i, c.latency);
            });
          });
        },
    .needs = [](const Params&) { return Needs{.threads = 1}; },
});
}  // namespace
}  // namespace concbench::io_sleep
