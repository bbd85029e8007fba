// ipc on `coro`: the loop thread reads each payload in place.
#include "models/event_loop.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_tasks_model<EventLoop>("coro");
}  // namespace
}  // namespace concbench::ipc
