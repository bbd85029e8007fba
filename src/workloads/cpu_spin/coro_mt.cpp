// cpu.spin on `coro_mt`: as `coro`, one loop per worker thread; each: the loops claim tasks
// one at a time, map: guided chunks.
#include "models/event_loop.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_tasks_model<LoopGroup>("coro_mt");
}  // namespace
}  // namespace concbench::cpu_spin
