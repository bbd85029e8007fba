// cpu.spin on `coro`: the one loop thread computes; computing never suspends, so tasks run
// one after another (asyncio without to_thread). each: a co_spawn per task; map: one
// coroutine over the range.
#include "models/event_loop.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, "coro"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [c, d = p.dispatch()](EventLoop& e) {
            return run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c.iterations); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
