// cpu.spin on `threads`: each task is one call to spin() on P pool workers; each: one queue
// entry per task, map: chunks claimed from one index.
#include "models/thread_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, "threads"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(
              std::make_unique<ThreadPool>(p.get("workers")), [c, d = p.dispatch()](ThreadPool& e) {
                return run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c.iterations); }, d);
              });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
