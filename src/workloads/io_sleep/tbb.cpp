// io.sleep on `tbb`: an arena of one thread per core; C tasks each wait by suspending on a
// reactor timer (one reactor thread per arena thread) (tbb::task::suspend), so the threads run other tasks meanwhile: C waits in
// flight on P threads, as a loop does.
#include "models/tbb_arena.hpp"
#include "workloads/io_sleep/io_sleep.hpp"

namespace concbench::io_sleep {
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
                  return TaskResult{value(i), uint64_t(std::chrono::nanoseconds(
                                                  std::chrono::steady_clock::now() - t0).count())};
                });
              });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
