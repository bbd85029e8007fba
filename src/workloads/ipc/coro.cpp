// ipc on `coro`: the loop thread reads each payload in place.
#include "models/event_loop.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, "coro"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto engine = std::make_unique<EventLoop>();
          auto data = std::make_shared<Payloads>(c);
          return make_trial<EventLoop>(std::move(engine), [c, data, d = p.dispatch()](EventLoop& e) {
            return run_tasks(e, c.tasks, [&](std::size_t i) { return task((*data)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::ipc
