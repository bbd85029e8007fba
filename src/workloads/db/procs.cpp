// db on `procs`: C worker processes, each with its own blocking libpq connection, one query
// per message.
#include "models/process_pool.hpp"
#include "workloads/db/db.hpp"

namespace concbench::db {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = PgService::get();
          load(server->conninfo());
          const std::string at = server->conninfo();
          auto sched = std::make_shared<Schedule>(c.tasks, c.rate);  // before the fork: its start is shared
          auto farm = task_handler([c, at, sched](std::size_t i) { return query(process_connection(at, c), i, c, *sched); });
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), [farm, at, c](std::string_view payload) -> std::string {
                if (payload != "connect") return farm(payload);
                process_connection(at, c);
                return {};
              });
          for (const Reply& r : pool->broadcast("connect"))  // connected before the timed runs
            if (!r.ok) throw std::runtime_error(r.data);
          return make_trial<ProcessPool>(std::move(pool), [c, server, sched](ProcessPool& pool) {
            sched->begin();
            return run_tasks(pool, c.tasks, Dispatch::each, 1);
          });
        },
    .needs = [](const Params& p) { return needs("procs", p); },
});
}  // namespace
}  // namespace concbench::db
