// start on `threads`: P threads created and running.
#include "models/thread_pool.hpp"
#include "workloads/start/start.hpp"

namespace concbench::start {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const int64_t w = p.get("workers");
          return start_trial<ThreadPool>([w] { return std::make_unique<ThreadPool>(w); }, [](ThreadPool& t) {
            return threads_meeting(t.workers(), [&](const std::function<void()>& meet) {
              t.for_each(t.workers(), [&](std::size_t) { meet(); }, Dispatch::each);
            });
          });
        },
});
}  // namespace
}  // namespace concbench::start
