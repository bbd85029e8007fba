// cpu.real on `coro_mt`: the documents over one loop per worker thread.
#include "models/event_loop.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_tasks_model<LoopGroup>("coro_mt");
}  // namespace
}  // namespace concbench::cpu_real
