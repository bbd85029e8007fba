// io.echo on `coro_mt`: as `coro`, with the C sockets and their coroutines spread over one
// loop per core.
#include <boost/asio/ip/tcp.hpp>

#include "models/event_loop.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench::io_echo {

namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          // The server is forked before this trial starts any thread.
          auto server = std::make_shared<EchoService>();
          auto group = std::make_unique<LoopGroup>(p.get("workers"));
          std::vector<asio::io_context*> loops;
          for (std::size_t k = 0; k < group->workers(); ++k) loops.push_back(&group->loop(k).context());
          auto sockets = std::make_shared<Sockets>(loops, server->endpoint(), c.concurrency);
          return make_trial<LoopGroup>(std::move(group), [c, server, sockets](LoopGroup& g) {
            return run_tasks(g, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t lane) {
              return async_round_trip(sockets->lanes[lane], i, c.delay_us);
            });
          });
        },
    .needs = [](const Params& p) { return Needs{.threads = p.get("workers"), .descriptors = p.get("concurrency")}; },
});
}  // namespace
}  // namespace concbench::io_echo
