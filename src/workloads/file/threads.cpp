// file on `threads`: one file per task, blocking write()/read() through an RAII descriptor.
#include "models/thread_pool.hpp"
#include "workloads/file/file.hpp"

namespace concbench::file {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(make_engine<ThreadPool>(p), [c, dir = std::make_shared<Folder>()](ThreadPool& e) {
            return run_tasks(e, c.files, [&](std::size_t i) { return blocking_task(i, c, *dir); },
                             Dispatch::each);
          });
        },
});
}  // namespace
}  // namespace concbench::file
