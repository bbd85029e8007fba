// mixed on `procs_coro`: one loop per worker process, each running its shard's coroutines.
#include "models/procs_coro.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs_coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), shard_handler([c](std::size_t i, std::size_t) { return async_task(i, c); }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) {
            return run_tasks(pool, c.tasks, InFlight{c.concurrency});
          });
        },
});
}  // namespace
}  // namespace concbench::mixed
