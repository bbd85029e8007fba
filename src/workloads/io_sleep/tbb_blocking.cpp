// io.sleep on `tbb_blocking`: an arena of P slots, one task_group::run per sleep, so that a
// sleeping task never holds others behind it.
#include "models/tbb_arena.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb_blocking",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(
              std::make_unique<TbbArena>(p.get("workers")), [c](TbbArena& arena) {
                return run_tasks(arena, c.tasks, [&](std::size_t i) { return sleep_task(i, c.latency); },
                                    Dispatch::each);
              });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
