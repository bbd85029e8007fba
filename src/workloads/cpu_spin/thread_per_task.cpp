// cpu.spin on `thread_per_task`: a new thread per task, at most P alive (coarse grains only:
// a thread start costs 20-40 us here).
#include "models/thread_per_task.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_tasks_model<ThreadPerTask>("thread_per_task");
}  // namespace
}  // namespace concbench::cpu_spin
