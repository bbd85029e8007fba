// mixed on `threads`: P pool threads; each task sleeps, then computes, on its thread.
#include "models/thread_pool.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(std::make_unique<ThreadPool>(p.get("workers")), [c](ThreadPool& pool) {
            return run_tasks(pool, c.tasks, [&](std::size_t i) { return blocking_task(i, c); },
                                Dispatch::each);
          });
        },
});
}  // namespace
}  // namespace concbench::mixed
