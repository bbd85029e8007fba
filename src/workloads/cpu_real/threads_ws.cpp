// cpu.real on `threads_ws`: as on `threads`, on a pool with one queue per worker and stealing.
#include "models/stealing_pool.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_tasks_model<StealingPool>("threads_ws");
}  // namespace
}  // namespace concbench::cpu_real
