// start on `coro`: one io_context with its thread, running.
#include "models/event_loop.hpp"
#include "workloads/start/start.hpp"

namespace concbench::start {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params&) {
          return start_trial<EventLoop>([] { return std::make_unique<EventLoop>(); },
                                        [](EventLoop& e) { return answering_loops({&e.context()}); });
        },
});
}  // namespace
}  // namespace concbench::start
