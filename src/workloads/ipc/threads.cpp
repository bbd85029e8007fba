// ipc on `threads`: workers read each payload where it lies in the parent's memory: no copy.
#include "models/thread_pool.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, "threads"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto engine = std::make_unique<ThreadPool>(p.get("workers"));
          auto data = std::make_shared<Payloads>(c);
          return make_trial<ThreadPool>(std::move(engine), [c, data, d = p.dispatch()](ThreadPool& e) {
            return run_tasks(e, c.tasks, [&](std::size_t i) { return task((*data)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::ipc
