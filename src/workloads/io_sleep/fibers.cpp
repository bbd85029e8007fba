// io.sleep on `fibers`: C fibers on P threads, each wait boost::this_fiber::sleep_for: the
// blocking style of `threads`, the fiber parked and its thread free meanwhile.
#include <boost/fiber/operations.hpp>

#include "models/fibers/fiber_pool.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
namespace {
TaskResult fiber_sleep(std::size_t i, std::chrono::microseconds latency) {
  return sleep_task(i, latency, [](std::chrono::microseconds d) { boost::this_fiber::sleep_for(d); });
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "fibers",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<FiberPool>(std::make_unique<FiberPool>(p.get("workers")), [c](FiberPool& pool) {
            return run_lanes(pool, c.tasks, c.concurrency, [&](std::size_t i) { return fiber_sleep(i, c.latency); });
          });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
