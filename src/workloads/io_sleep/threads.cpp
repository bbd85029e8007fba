// io.sleep on `threads`: P pool threads, each task a blocking sleep_for.
#include "models/thread_pool.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(
              std::make_unique<ThreadPool>(p.get("workers")), [c](ThreadPool& pool) {
                return run_tasks(pool, c.tasks, [&](std::size_t i) { return sleep_task(i, c.latency); },
                                    Dispatch::each);
              });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
