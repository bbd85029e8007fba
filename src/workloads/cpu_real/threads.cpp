// cpu.real on `threads`: workers process documents that stay in the parent's memory.
#include "models/thread_pool.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {

const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, "threads"); },
    .make =
        [](const Params& p) {
          auto engine = std::make_unique<ThreadPool>(p.get("workers"));
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<ThreadPool>(std::move(engine), [docs, d = p.dispatch()](ThreadPool& e) {
            return run_tasks(e, docs->size(), [&](std::size_t i) { return process((*docs)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_real
