// ipc on `threads_ws`: as on `threads` (payloads read in place), on a pool with one queue per
// worker and stealing.
#include "models/stealing_pool.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_tasks_model<StealingPool>("threads_ws");
}  // namespace
}  // namespace concbench::ipc
