// io.echo on `threads`: P pool threads; each task borrows one of C blocking connections.
#include "models/thread_pool.hpp"
#include "models/kinds.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench::io_echo {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          // The server is forked before this trial starts any thread.
          auto server = std::make_shared<EchoService>();
          auto pool = std::make_unique<ThreadPool>(p.get("workers"));
          auto conns = std::make_shared<ConnectionPool>(server->endpoint(), c.concurrency);
          return make_trial<ThreadPool>(std::move(pool), [c, server, conns](ThreadPool& pool) {
            return run_tasks(pool, c.tasks, [&](std::size_t i) { return conns->round_trip(i, c.delay_us); },
                                Dispatch::each);
          });
        },
    .needs = [](const Params& p) { return model_needs("threads", p, 1); },
});
}  // namespace
}  // namespace concbench::io_echo
