// cpu.real on `threads_ws`: as on `threads`, on a pool with one queue per worker and stealing.
#include "models/stealing_pool.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {

const bool registered = register_case({
    .workload = &workload(),
    .model = "threads_ws",
    .grid = [](const Suite& s) { return grid(s, "threads_ws"); },
    .make =
        [](const Params& p) {
          auto engine = std::make_unique<StealingPool>(p.get("workers"));
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<StealingPool>(std::move(engine), [docs, d = p.dispatch()](StealingPool& e) {
            return run_tasks(e, docs->size(), [&](std::size_t i) { return process((*docs)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_real
