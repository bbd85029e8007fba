// cpu.spin on `fibers`: a fiber per task (each) or a fiber per worker claiming guided chunks
// (map), on the pool's threads by work stealing.
#include "models/fibers/fiber_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_tasks_model<FiberPool>("fibers");
}  // namespace
}  // namespace concbench::cpu_spin
