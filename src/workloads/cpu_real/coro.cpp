// cpu.real on `coro`: the documents processed on the one loop thread.
#include "models/event_loop.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_tasks_model<EventLoop>("coro");
}  // namespace
}  // namespace concbench::cpu_real
