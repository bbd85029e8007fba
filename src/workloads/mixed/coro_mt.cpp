// mixed on `coro_mt`: the same coroutines over one loop per core: waits overlap on every
// loop and the computing runs on all cores.
#include "models/event_loop.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<LoopGroup>(std::make_unique<LoopGroup>(p.get("workers")), [c](LoopGroup& g) {
            return run_tasks(g, c.tasks, InFlight{c.concurrency},
                             [&](std::size_t i, std::size_t) { return async_task(i, c); });
          });
        },
});
}  // namespace
}  // namespace concbench::mixed
