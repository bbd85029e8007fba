// io.sleep on `tbb`: an arena of one thread per core; each wait is an async_node message: a
// timer on a reactor thread (one per arena thread) puts it back into the graph, so the arena
// threads run other tasks meanwhile: C waits in flight on P threads, as a loop does.
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
          return make_trial<TbbIo>(
              std::make_unique<TbbIo>(p.get("workers")), [c](TbbIo& e) {
                return run_tasks(e, c.tasks, InFlight{c.concurrency},
                                 [&](std::size_t i, std::size_t lane, TbbIo::Resume resume) {
                                   const auto t0 = std::chrono::steady_clock::now();
                                   auto rest = [i, t0] {
                                     return TaskResult{value(i), uint64_t(std::chrono::nanoseconds(
                                                                     std::chrono::steady_clock::now() - t0)
                                                                     .count())};
                                   };
                                   if (fault::skip_wait()) return resume(rest);
                                   inflight::enter();
                                   e.after(c.latency, lane, [rest, resume = std::move(resume)] {
                                     inflight::leave();
                                     resume(rest);
                                   });
                                 });
              });
        },
});
}  // namespace
}  // namespace concbench::io_sleep
