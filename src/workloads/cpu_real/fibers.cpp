// cpu.real on `fibers`: a fiber per task (each) or per claiming worker (map), as on `threads`.
#include "models/fibers/fiber_pool.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_tasks_model<FiberPool>("fibers");
}  // namespace
}  // namespace concbench::cpu_real
