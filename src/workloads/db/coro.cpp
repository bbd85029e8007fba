// db on `coro`: C coroutines on one loop, libpq in non-blocking mode with the socket awaited
// through asio (asyncpg's shape); one connection per lane, or with depth:D one per D lanes
// in libpq's pipeline mode.
#include "models/event_loop.hpp"
#include "workloads/db/db.hpp"

namespace concbench::db {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loop); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = PgService::get();
          load(server->conninfo());
          auto loop = std::make_unique<EventLoop>();
          auto lanes = std::make_shared<Lanes>(std::vector{&loop->context()}, server->conninfo(), c);
          auto sched = std::make_shared<Schedule>(c.tasks, c.rate);
          return make_trial<EventLoop>(std::move(loop), [c, server, lanes, sched](EventLoop& loop) {
            sched->begin();
            return run_tasks(loop, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t lane) {
              return async_query(*lanes, lane, i, c, *sched);
            });
          });
        },
    .needs = [](const Params& p) { return needs("coro", p); },
});
}  // namespace
}  // namespace concbench::db
