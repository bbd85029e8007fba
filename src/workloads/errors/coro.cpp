// errors on `coro`: one co_spawn per task on one loop; each completion handler receives the
// task's value or its exception (gather(return_exceptions=True)).
#include "models/event_loop.hpp"
#include "workloads/errors/errors.hpp"

namespace concbench::errors {
namespace {
const bool registered = register_model<EventLoop>("coro");
}  // namespace
}  // namespace concbench::errors
