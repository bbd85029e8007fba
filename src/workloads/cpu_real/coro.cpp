// cpu.real on `coro`: each document is a coroutine on the one loop thread.
#include "models/event_loop.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          auto loop = std::make_unique<EventLoop>();
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<EventLoop>(std::move(loop), [docs](EventLoop& loop) {
            return run_async(loop, docs->size(), 1,
                             [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                               co_return process((*docs)[i]);
                             });
          });
        },
    .needs = [](const Params&) { return Needs{.threads = 1}; },
});
}  // namespace
}  // namespace concbench::cpu_real
