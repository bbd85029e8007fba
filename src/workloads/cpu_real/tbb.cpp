// cpu.real on `tbb`: the same documents, processed by tasks of an arena of P slots.
#include "models/tbb_arena.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_tasks_model<TbbArena>("tbb");
}  // namespace
}  // namespace concbench::cpu_real
