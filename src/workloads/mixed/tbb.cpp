// mixed on `tbb`: an arena of one thread per core; each task waits as an async_node message (a
// reactor timer), then computes on an arena thread: waits overlap, computing runs
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
          return make_trial<TbbIo>(
              std::make_unique<TbbIo>(p.get("workers")), [c](TbbIo& e) {
                return run_tasks(e, c.tasks, InFlight{c.concurrency},
                                 [&](std::size_t i, std::size_t lane, TbbIo::Resume resume) {
                                   const auto t0 = std::chrono::steady_clock::now();
                                   auto rest = [i, t0, &c] { return finish(i, c, t0); };
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
}  // namespace concbench::mixed
