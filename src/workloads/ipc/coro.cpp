// ipc on `coro`: each task is a coroutine on the loop reading its payload in place.
#include "models/event_loop.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto loop = std::make_unique<EventLoop>();
          auto data = std::make_shared<Payloads>(c);
          return make_trial<EventLoop>(std::move(loop), [c, data](EventLoop& loop) {
            return run_async(loop, c.tasks, 1,
                             [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                               co_return task((*data)[i]);
                             });
          });
        },
    .needs = [](const Params&) { return Needs{.threads = 1}; },
});
}  // namespace
}  // namespace concbench::ipc
