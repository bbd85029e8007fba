// mixed on `tbb`: an arena of one thread per core; each task waits by suspending on a reactor
// timer (tbb::task::suspend), then computes on an arena thread: waits overlap, computing runs
// on every core.
#include "models/tbb_arena.hpp"
#include "workloads/mixed/mixed.hpp"

namespace concbench::mixed {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbSuspending>(
              std::make_unique<TbbSuspending>(p.get("workers")), [c](TbbSuspending& e) {
                return run_tasks(e, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t lane) {
                  const auto t0 = std::chrono::steady_clock::now();
                  if (!fault::skip_wait()) {
                    inflight::Scope waiting;
                    e.wait_for(c.latency, lane);
                  }
                  return finish(i, c, t0);
                });
              });
        },
});
}  // namespace
}  // namespace concbench::mixed
