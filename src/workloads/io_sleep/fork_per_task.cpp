// io.sleep on `fork_per_task`: a fork for every sleep, P children alive at once.
#include "models/process_pool.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "fork_per_task",
    .grid =
        [](const Suite& s) {
          auto g = grid(s, IoShape::blocking);  // forks cost 0.1-0.4 ms: 10,000 at a time is
          std::erase_if(g, [](const Params& p) {  // a fork bomb, not a design
            return p.get("concurrency") > 1000;
          });
          return g;
        },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ForkPerTask>(
              std::make_unique<ForkPerTask>(p.get("workers")), [c](ForkPerTask& engine) {
                return run_tasks(engine, c.tasks, [&](std::size_t i) { return sleep_task(i, c.latency); });
              });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
