// cpu.spin on `tbb`: an arena of P slots; each: task_group::run per task, map: parallel_for
// (auto_partitioner: TBB batches tiny tasks itself).
#include "models/tbb_arena.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_tasks_model<TbbArena>("tbb");
}  // namespace
}  // namespace concbench::cpu_spin
