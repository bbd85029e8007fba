// cpu.spin on `tbb`: the same calls, as a parallel_for inside a task_arena of P slots
// (auto_partitioner: TBB batches tiny tasks itself).
#include "models/tbb_arena.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, {}); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(
              std::make_unique<TbbArena>(p.get("workers")), [c](TbbArena& arena) {
                return run_blocking(arena, c.tasks, [&](std::size_t i) { return task(i, c.iterations); });
              });
        },
    .needs = [](const Params& p) { return Needs{.threads = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_spin
