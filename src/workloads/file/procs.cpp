// file on `procs`: one file per message to P worker processes, blocking I/O in the children.
#include "models/process_pool.hpp"
#include "workloads/file/file.hpp"

namespace concbench::file {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto dir = std::make_shared<Folder>();
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), task_handler([c, dir](std::size_t i) { return blocking_task(i, c, *dir); }));
          return make_trial<ProcessPool>(std::move(pool), [c, dir](ProcessPool& pool) {
            return run_tasks(pool, c.files, Dispatch::each);
          });
        },
});
}  // namespace
}  // namespace concbench::file
