// cpu.spin on `threads`: each task is one call to spin() on P pool workers; each: one queue
// entry per task, map: chunks claimed from one index.
#include "models/thread_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_tasks_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::cpu_spin
