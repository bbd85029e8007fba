// cpu.spin on `thread_per_task`: a new thread per task, at most P alive (coarse grains only:
// a thread start costs 20-40 us here).
#include "models/thread_per_task.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "thread_per_task",
    .grid = [](const Suite& s) { return grid(s, "thread_per_task"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPerTask>(
              std::make_unique<ThreadPerTask>(p.get("workers")), [c](ThreadPerTask& e) {
                return run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c.iterations); },
                                 Dispatch::each);
              });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
