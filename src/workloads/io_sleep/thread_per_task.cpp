// io.sleep on `thread_per_task`: a new thread for every sleep, P alive at once.
#include "models/thread_per_task.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "thread_per_task",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPerTask>(
              std::make_unique<ThreadPerTask>(p.get("workers")), [c](ThreadPerTask& engine) {
                return run_tasks(engine, c.tasks, [&](std::size_t i) { return sleep_task(i, c.latency); },
                                    Dispatch::each);
              });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
