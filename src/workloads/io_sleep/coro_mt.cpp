// io.sleep on `coro_mt`: the same timer coroutines, spread over one loop per core.
#include "models/event_loop.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<LoopGroup>(std::make_unique<LoopGroup>(p.get("workers")),
                                       [c](LoopGroup& loops) {
                                         return run_tasks(loops, c.tasks, InFlight{c.concurrency},
                                                          [&](std::size_t i, std::size_t) {
                                                            return timer_task(i, c.latency);
                                                          });
                                       });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
