// loop.blocking on `threads`: the probe and the blocker are two tasks of the shared-queue
// pool, on two of its workers: the blocked worker does not stall the probe's.
#include "models/thread_pool.hpp"
#include "workloads/loop_blocking/loop_blocking.hpp"

namespace concbench::loop_blocking {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(make_engine<ThreadPool>(p),
                                        [c, log = std::make_shared<ProbeLog>()](ThreadPool& pool) {
                                          return with_probe(*log, [&] {
                                            return run_tasks(pool, 2, [&](std::size_t i) {
                                              return blocking_task(i, c, *log);
                                            }, Dispatch::each);
                                          });
                                        });
        },
});
}  // namespace
}  // namespace concbench::loop_blocking
