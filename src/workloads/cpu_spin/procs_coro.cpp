// cpu.spin on `procs_coro`: P pre-forked workers, each running its shard of the tasks on its
// own loop (dispatch:map only).
#include "models/procs_coro.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs_coro",
    .grid = [](const Suite& s) { return grid(s, "procs_coro"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"),
              shard_handler([c](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                co_return task(i, c.iterations);
              }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& e) {
            return run_tasks(e, c.tasks, InFlight{e.workers()});
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
