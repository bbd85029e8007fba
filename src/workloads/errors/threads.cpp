// errors on `threads`: one submit per task; a worker catches its task's exception and hands
// it back with the task's index (Future.exception()).
#include "models/thread_pool.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_model<ThreadPool>("threads");
}  // namespace
}  // namespace concbench::errors
