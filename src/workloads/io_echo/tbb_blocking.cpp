// io.echo on `tbb_blocking`: an arena of P slots, one task per round trip on a borrowed connection.
#include "models/tbb_arena.hpp"
#include "models/kinds.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench::io_echo {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb_blocking",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          // The server is forked before this trial starts any thread.
          auto server = std::make_shared<EchoService>();
          auto arena = std::make_unique<TbbArena>(p.get("workers"));
          auto conns = std::make_shared<ConnectionPool>(server->endpoint(), c.concurrency);
          return make_trial<TbbArena>(std::move(arena), [c, server, conns](TbbArena& arena) {
            return run_tasks(arena, c.tasks, [&](std::size_t i) { return conns->round_trip(i, c.delay_us); },
                                Dispatch::each);
          });
        },
    .needs = [](const Params& p) { return model_needs("tbb_blocking", p, 1); },
});
}  // namespace
}  // namespace concbench::io_echo
