// start on `coro_mt`: P loops, each on its own thread, running.
#include "models/event_loop.hpp"
#include "workloads/start/start.hpp"

namespace concbench::start {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const int64_t w = p.get("workers");
          return start_trial<LoopGroup>([w] { return std::make_unique<LoopGroup>(w); },
                                        [](LoopGroup& g) {
                                          std::vector<asio::io_context*> loops;
                                          for (std::size_t i = 0; i < g.workers(); ++i)
                                            loops.push_back(&g.loop(i).context());
                                          return answering_loops(loops);
                                        });
        },
});
}  // namespace
}  // namespace concbench::start
