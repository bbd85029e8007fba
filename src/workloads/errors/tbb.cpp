// errors on `tbb`: task_group::run per task; each task's exception is caught in the task and
// handed back with its index (task_group::wait would rethrow only the first).
#include "models/tbb_arena.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_model<TbbArena>("tbb");
}  // namespace
}  // namespace concbench::errors
