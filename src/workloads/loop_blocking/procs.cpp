// loop.blocking on `procs`: the probe and the blocker are two tasks sent to two worker
// processes; the probe's samples come back through shared memory mapped before the fork.
#include "models/process_pool.hpp"
#include "workloads/loop_blocking/loop_blocking.hpp"

namespace concbench::loop_blocking {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto log = std::make_shared<ProbeLog>();
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), task_handler([c, log](std::size_t i) { return blocking_task(i, c, *log); }));
          return make_trial<ProcessPool>(std::move(pool), [log](ProcessPool& pool) {
            return with_probe(*log, [&] { return run_tasks(pool, 2, Dispatch::each, 1); });
          });
        },
});
}  // namespace
}  // namespace concbench::loop_blocking
