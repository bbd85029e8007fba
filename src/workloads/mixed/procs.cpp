// mixed on `procs`: P pre-forked workers; each task sleeps, then computes, in a child.
#include "models/process_pool.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), farm_handler([c](std::size_t i) { return blocking_task(i, c); }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) {
            return run_farm(pool, c.tasks, Grain::blocking);
          });
        },
    .needs = [](const Params& p) { return io_needs(p, true); },
});
}  // namespace
}  // namespace concbench::mixed
