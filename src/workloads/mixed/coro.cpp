// mixed on `coro`: C coroutines on one loop; each awaits a timer, then computes on the loop
// (blocking it for W, as CPU work in asyncio does).
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "models/event_loop.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {

asio::awaitable<TaskResult> async_task(std::size_t i, Config c) {
  const auto t0 = std::chrono::steady_clock::now();
  asio::steady_timer timer(co_await asio::this_coro::executor, c.latency);
  co_await timer.async_wait(asio::use_awaitable);
  co_return finish(i, c, t0);
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
            return run_async(loop, c.tasks, c.concurrency,
                             [&](std::size_t i, std::size_t) { return async_task(i, c); });
          });
        },
    .needs = [](const Params&) { return Needs{.threads = 1}; },
});
}  // namespace
}  // namespace concbench::mixed
