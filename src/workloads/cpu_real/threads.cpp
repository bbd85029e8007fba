// cpu.real on `threads`: workers process documents that stay in the parent's memory.
#include "models/thread_pool.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_tasks_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::cpu_real
