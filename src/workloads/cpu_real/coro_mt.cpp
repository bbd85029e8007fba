// cpu.real on `coro_mt`: the documents' coroutines over one loop per worker thread.
#include "models/event_loop.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          auto group = std::make_unique<LoopGroup>(p.get("workers"));
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<LoopGroup>(std::move(group), [docs](LoopGroup& g) {
            return run_async(g, docs->size(), g.workers(),
                             [&](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
                               co_return process((*docs)[i]);
                             });
          });
        },
    .needs = [](const Params& p) { return Needs{.threads = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_real
