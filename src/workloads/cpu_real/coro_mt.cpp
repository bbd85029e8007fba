// cpu.real on `coro_mt`: the documents over one loop per worker thread.
#include "models/event_loop.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {

const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, "coro_mt"); },
    .make =
        [](const Params& p) {
          auto engine = std::make_unique<LoopGroup>(p.get("workers"));
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<LoopGroup>(std::move(engine), [docs, d = p.dispatch()](LoopGroup& e) {
            return run_tasks(e, docs->size(), [&](std::size_t i) { return process((*docs)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_real
