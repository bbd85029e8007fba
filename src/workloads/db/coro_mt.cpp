// db on `coro_mt`: as `coro`, with the C connections and their coroutines spread over one
// loop per core (pgbench -j's shape: its clients spread over threads).
#include "models/event_loop.hpp"
#include "workloads/db/db.hpp"

namespace concbench::db {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro_mt",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = PgService::get();
          load(server->conninfo());
          auto group = std::make_unique<LoopGroup>(p.get("workers"));
          std::vector<boost::asio::io_context*> loops;
          for (std::size_t k = 0; k < group->workers(); ++k) loops.push_back(&group->loop(k).context());
          auto lanes = std::make_shared<Lanes>(loops, server->conninfo(), c);
          auto sched = std::make_shared<Schedule>(c.tasks, c.rate);
          return make_trial<LoopGroup>(std::move(group), [c, server, lanes, sched](LoopGroup& g) {
            sched->begin();
            return run_tasks(g, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t lane) {
              return async_query(*lanes, lane, i, c, *sched);
            });
          });
        },
    .needs = [](const Params& p) { return needs("coro_mt", p); },
});
}  // namespace
}  // namespace concbench::db
