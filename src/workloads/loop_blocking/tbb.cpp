// loop.blocking on `tbb`: the probe and the blocker are two tasks of one task_group in the
// arena, on two of its threads: the blocked worker does not stall the probe's.
#include "models/tbb_arena.hpp"
#include "workloads/loop_blocking/loop_blocking.hpp"

namespace concbench::loop_blocking {
namespace {
const bool registered = register_blocking_model<TbbArena>("tbb");
}  // namespace
}  // namespace concbench::loop_blocking
