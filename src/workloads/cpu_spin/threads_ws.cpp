// cpu.spin on `threads_ws`: as on `threads`, on a pool with one queue per worker and stealing;
// each: one submit per task (to the workers' queues in turn), map: chunks claimed from one index.
#include "models/stealing_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads_ws",
    .grid = [](const Suite& s) { return grid(s, "threads_ws"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<StealingPool>(
              std::make_unique<StealingPool>(p.get("workers")), [c, d = p.dispatch()](StealingPool& e) {
                return run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c.iterations); }, d);
              });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
