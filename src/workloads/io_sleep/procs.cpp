// io.sleep on `procs`: P pre-forked workers, each task a blocking sleep in a child, one
// index per message (a sleeping worker must not hold a batch).
#include "models/process_pool.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), task_handler([c](std::size_t i) { return sleep_task(i, c.latency); }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) {
            return run_tasks(pool, c.tasks, Dispatch::each, 1);
          });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
