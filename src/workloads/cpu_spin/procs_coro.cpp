// cpu.spin on `procs_coro`: P pre-forked workers, each running its shard of the tasks as
// coroutines on its own loop.
#include "models/procs_coro.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs_coro",
    .grid = [](const Suite& s) { return grid(s, {}); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"),
              shard_handler([c](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                co_return task(i, c.iterations);
              }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) {
            return run_sharded(pool, c.tasks, pool.workers());
          });
        },
    .needs = [](const Params& p) { return Needs{.processes = p.get("workers"), .descriptors = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_spin
