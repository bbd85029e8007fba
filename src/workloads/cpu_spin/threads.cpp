// cpu.spin on `threads`: each task is one blocking call to spin(), queued on P workers.
#include "models/thread_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, {}); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(
              std::make_unique<ThreadPool>(p.get("workers")), [c](ThreadPool& pool) {
                return run_blocking(pool, c.tasks, [&](std::size_t i) { return task(i, c.iterations); });
              });
        },
    .needs = [](const Params& p) { return Needs{.threads = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_spin
