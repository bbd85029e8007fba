// cpu.spin on `threads_ws`: as on `threads`, on a pool with one queue per worker and stealing;
// each: one submit per task (to the workers' queues in turn), map: chunks claimed from one index.
#include "models/stealing_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_tasks_model<StealingPool>("threads_ws");
}  // namespace
}  // namespace concbench::cpu_spin
