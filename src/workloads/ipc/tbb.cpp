// ipc on `tbb`: tasks read each payload where it lies in the parent's memory: no copy.
#include "models/tbb_arena.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_tasks_model<TbbArena>("tbb");
}  // namespace
}  // namespace concbench::ipc
