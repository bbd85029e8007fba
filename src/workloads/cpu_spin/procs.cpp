// cpu.spin on `procs`: P pre-forked workers; map: index ranges of ceil(N / 4P) (Pool.map's
// chunksize), each: one index per message, two in flight per worker.
#include "models/process_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, "procs"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), task_handler([c](std::size_t i) { return task(i, c.iterations); }));
          return make_trial<ProcessPool>(std::move(pool), [c, d = p.dispatch()](ProcessPool& e) {
            return run_tasks(e, c.tasks, d);
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
