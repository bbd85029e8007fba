// errors on `threads`: one submit per task; a worker catches its task's exception and hands it back with the task's index (Future.exception()).
#include "models/thread_pool.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, "threads", false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(make_engine<ThreadPool>(p), [c](ThreadPool& e) {
            return outcomes(run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c); },
                                      Dispatch::each),
                            c);
          });
        },
});
}  // namespace
}  // namespace concbench::errors
