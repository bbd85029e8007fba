// errors on `tbb`: task_group::run per task; each task's exception is caught in the task and handed back with its index (task_group::wait would rethrow only the first).
#include "models/tbb_arena.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, "tbb", false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(make_engine<TbbArena>(p), [c](TbbArena& e) {
            return outcomes(run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c); },
                                      Dispatch::each),
                            c);
          });
        },
});
}  // namespace
}  // namespace concbench::errors
