// ipc on `fibers`: as on `threads` (payloads read in place), a fiber per task.
#include "models/fibers/fiber_pool.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_tasks_model<FiberPool>("fibers");
}  // namespace
}  // namespace concbench::ipc
