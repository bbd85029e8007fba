// loop.blocking on `threads`: the probe and the blocker are two tasks of the shared-queue
// pool, on two of its workers: the blocked worker does not stall the probe's.
#include "models/thread_pool.hpp"
#include "workloads/loop_blocking/loop_blocking.hpp"

namespace concbench::loop_blocking {
namespace {
const bool registered = register_blocking_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::loop_blocking
