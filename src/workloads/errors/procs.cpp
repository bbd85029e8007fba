// errors on `procs`: one task per message, two in flight per worker. A thrown failure comes
// back as the worker's error reply; a worker that dies (abort, SIGSEGV) fails the task it was
// running, is replaced, and the task queued behind it is sent again: every other task
// completes (multiprocessing.Pool would hang; ProcessPoolExecutor would fail them all).
#include "models/process_pool.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, "procs", true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), task_handler([c](std::size_t i) { return task(i, c); }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) {
            return outcomes(run_tasks(pool, c.tasks, Dispatch::each), c);
          });
        },
});
}  // namespace
}  // namespace concbench::errors
