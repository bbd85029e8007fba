// cpu.spin on `tbb`: an arena of P slots; each: task_group::run per task, map: parallel_for
// (auto_partitioner: TBB batches tiny tasks itself).
#include "models/tbb_arena.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, "tbb"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(
              std::make_unique<TbbArena>(p.get("workers")), [c, d = p.dispatch()](TbbArena& e) {
                return run_tasks(e, c.tasks, [&](std::size_t i) { return task(i, c.iterations); }, d);
              });
        },
});
}  // namespace
}  // namespace concbench::cpu_spin
