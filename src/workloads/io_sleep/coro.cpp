// io.sleep on `coro`: C coroutines on one loop, each awaiting an asio steady_timer.
#include "models/event_loop.hpp"
#include "workloads/io_sleep/io_sleep.hpp"


namespace concbench::io_sleep {

namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loop); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [c](EventLoop& loop) {
            return run_tasks(loop, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t) {
              return timer_task(i, c.latency);
            });
          });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
