// cpu.real on `coro`: the documents processed on the one loop thread.
#include "models/event_loop.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {

const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, "coro"); },
    .make =
        [](const Params& p) {
          auto engine = std::make_unique<EventLoop>();
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<EventLoop>(std::move(engine), [docs, d = p.dispatch()](EventLoop& e) {
            return run_tasks(e, docs->size(), [&](std::size_t i) { return process((*docs)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_real
