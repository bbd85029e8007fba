// ipc on `threads_ws`: as on `threads` (payloads read in place), on a pool with one queue per
// worker and stealing.
#include "models/stealing_pool.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads_ws",
    .grid = [](const Suite& s) { return grid(s, "threads_ws"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto engine = std::make_unique<StealingPool>(p.get("workers"));
          auto data = std::make_shared<Payloads>(c);
          return make_trial<StealingPool>(std::move(engine), [c, data, d = p.dispatch()](StealingPool& e) {
            return run_tasks(e, c.tasks, [&](std::size_t i) { return task((*data)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::ipc
