// cpu.spin on `coro`: the one loop thread computes; computing never suspends, so tasks run
// one after another (asyncio without to_thread). each: a co_spawn per task; map: one
// coroutine over the range.
#include "models/event_loop.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_tasks_model<EventLoop>("coro");
}  // namespace
}  // namespace concbench::cpu_spin
