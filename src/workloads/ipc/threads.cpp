// ipc on `threads`: workers read each payload where it lies in the parent's memory: no copy.
#include "models/thread_pool.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_tasks_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::ipc
