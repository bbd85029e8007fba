// errors on `fork_per_task`: a fork per task, at most P alive; a thrown failure comes back
// through the child's pipe, a crash is the child's wait status.
#include "models/process_pool.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "fork_per_task",
    .grid = [](const Suite& s) { return grid(s, "fork_per_task", true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ForkPerTask>(make_engine<ForkPerTask>(p), [c](ForkPerTask& e) {
            return outcomes(run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c); }), c);
          });
        },
});
}  // namespace
}  // namespace concbench::errors
