// mixed on `procs`: P pre-forked workers; each task sleeps, then computes, in a child.
#include "models/process_pool.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), task_handler([c](std::size_t i) { return blocking_task(i, c); }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) {
            return run_tasks(pool, c.tasks, Dispatch::each, 1);
          });
        },
});
}  // namespace
}  // namespace concbench::mixed
