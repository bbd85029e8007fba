// cpu.spin on `procs`: P pre-forked workers; index ranges go over socketpairs (chunked as
// multiprocessing.Pool.map does), results come back as bytes.
#include "models/process_pool.hpp"
#include "workloads/cpu_spin/cpu_spin.hpp"

namespace concbench::cpu_spin {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, {}); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), farm_handler([c](std::size_t i) { return task(i, c.iterations); }));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) {
            return run_farm(pool, c.tasks, Grain::fine);
          });
        },
    .needs = [](const Params& p) { return Needs{.processes = p.get("workers"), .descriptors = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_spin
