// mixed on `fibers`: C fibers on P threads; each task sleeps as a fiber, then computes on
// whichever pool thread runs it.
#include <boost/fiber/operations.hpp>

#include "models/fibers/fiber_pool.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
TaskResult fiber_task(std::size_t i, const Config& c) {
  return blocking_task(i, c, [](std::chrono::microseconds d) { boost::this_fiber::sleep_for(d); });
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "fibers",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<FiberPool>(std::make_unique<FiberPool>(p.get("workers")), [c](FiberPool& pool) {
            return run_lanes(pool, c.tasks, c.concurrency, [&](std::size_t i) { return fiber_task(i, c); });
          });
        },
});
}  // namespace
}  // namespace concbench::mixed
