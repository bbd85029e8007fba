// cpu.spin on `coro_mt`: as `coro`, one loop per worker thread; each: the loops claim tasks
// one at a time, map: each loop its contiguous share.
#include "models/event_loop.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, "coro_mt"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<LoopGroup>(
              std::make_unique<LoopGroup>(p.get("workers")), [c, d = p.dispatch()](LoopGroup& e) {
                return run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c.iterations); }, d);
              });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
