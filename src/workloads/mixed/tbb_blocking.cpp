// mixed on `tbb_blocking`: an arena of P slots, one task per item; each sleeps, then computes.
#include "models/tbb_arena.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb_blocking",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(std::make_unique<TbbArena>(p.get("workers")), [c](TbbArena& arena) {
            return run_tasks(arena, c.tasks, [&](std::size_t i) { return blocking_task(i, c); },
                                Dispatch::each);
          });
        },
});
}  // namespace
}  // namespace concbench::mixed
