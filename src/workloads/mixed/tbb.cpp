// mixed on `tbb`: an arena of P slots, one task per item; each sleeps, then computes.
#include "models/tbb_arena.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(std::make_unique<TbbArena>(p.get("workers")), [c](TbbArena& arena) {
            return run_blocking(arena, c.tasks, [&](std::size_t i) { return blocking_task(i, c); },
                                Grain::blocking);
          });
        },
    .needs = [](const Params& p) { return io_needs(p, false); },
});
}  // namespace
}  // namespace concbench::mixed
