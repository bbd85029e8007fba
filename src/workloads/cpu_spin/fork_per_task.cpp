// cpu.spin on `fork_per_task`: one fork per task, at most P children alive (coarse grains
// only: a fork costs 140-390 us here).
#include "models/process_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "fork_per_task",
    .grid = [](const Suite& s) { return grid(s, "fork_per_task"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ForkPerTask>(
              std::make_unique<ForkPerTask>(p.get("workers")), [c](ForkPerTask& e) {
                return run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c.iterations); });
              });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
