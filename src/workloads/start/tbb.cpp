// start on `tbb`: an arena of P slots initialised and its workers joined.
#include "models/tbb_arena.hpp"
#include "workloads/start/start.hpp"

namespace concbench::start {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const int64_t w = p.get("workers");
          return start_trial<TbbArena>([w] { return std::make_unique<TbbArena>(w); }, [](TbbArena& a) {
            return threads_meeting(a.workers(), [&](const std::function<void()>& meet) {
              a.for_each(a.workers(), [&](std::size_t) { meet(); }, Dispatch::each);
            });
          });
        },
});
}  // namespace
}  // namespace concbench::start
