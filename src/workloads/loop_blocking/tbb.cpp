// loop.blocking on `tbb`: the probe and the blocker are two tasks of one task_group in the
// arena, on two of its threads: the blocked worker does not stall the probe's.
#include "models/tbb_arena.hpp"
#include "workloads/loop_blocking/loop_blocking.hpp"

namespace concbench::loop_blocking {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(make_engine<TbbArena>(p),
                                        [c, log = std::make_shared<ProbeLog>()](TbbArena& pool) {
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
