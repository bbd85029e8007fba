// errors on `coro`: one co_spawn per task on one loop; each completion handler receives the
// task's value or its exception (gather(return_exceptions=True)).
#include "models/event_loop.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, "coro", false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [c](EventLoop& loop) {
            return outcomes(run_tasks(loop, c.tasks, [&](std::size_t i) { return task(i, c); },
                                      Dispatch::each),
                            c);
          });
        },
});
}  // namespace
}  // namespace concbench::errors
