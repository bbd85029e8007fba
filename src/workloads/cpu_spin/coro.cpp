// cpu.spin on `coro`: each task is a coroutine on the one loop thread; computing never
// suspends, so the tasks run one after another (asyncio without to_thread).
#include "models/event_loop.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, {.workers = false}); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [c](EventLoop& loop) {
            return run_async(loop, c.tasks, 1,
                             [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                               co_return task(i, c.iterations);
                             });
          });
        },
    .needs = [](const Params&) { return Needs{.threads = 1}; },
});
}  // namespace
}  // namespace concbench::cpu_spin
