// cpu.spin on `coro_mt`: as `coro`, with one loop per worker thread; task indices are
// shared, so the P loops split the work.
#include "models/event_loop.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, {}); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<LoopGroup>(
              std::make_unique<LoopGroup>(p.get("workers")), [c](LoopGroup& loops) {
                return run_async(loops, c.tasks, loops.workers(),
                                 [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                                   co_return task(i, c.iterations);
                                 });
              });
        },
    .needs = [](const Params& p) { return Needs{.threads = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_spin
