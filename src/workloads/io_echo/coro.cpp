// io.echo on `coro`: C coroutines on one loop, each owning one asio socket (connected during
// set-up) and doing async_write + async_read per round trip.
#include "models/event_loop.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench::io_echo {

namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loop); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          // The server is forked before this trial starts any thread.
          auto server = std::make_shared<EchoService>();
          auto loop = std::make_unique<EventLoop>();
          auto sockets = std::make_shared<Sockets>(std::vector{&loop->context()},
                                                   server->endpoint(), c.concurrency);
          return make_trial<EventLoop>(std::move(loop), [c, server, sockets](EventLoop& loop) {
            return run_tasks(loop, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t lane) {
              return async_round_trip(sockets->lanes[lane], i, c.delay_us);
            });
          });
        },
    .needs = [](const Params& p) { return Needs{.threads = 1, .descriptors = p.get("concurrency")}; },
});
}  // namespace
}  // namespace concbench::io_echo
