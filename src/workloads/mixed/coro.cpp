// mixed on `coro`: C coroutines on one loop; each awaits a timer, then computes on the loop
// (blocking it for W, as CPU work in asyncio does).
#include "models/event_loop.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {

namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loop); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [c](EventLoop& loop) {
            return run_tasks(loop, c.tasks, InFlight{c.concurrency},
                             [&](std::size_t i, std::size_t) { return async_task(i, c); });
          });
        },
});
}  // namespace
}  // namespace concbench::mixed
