// http on `procs`: C worker processes, each with its own keep-alive connection and blocking
// Beast GETs, one request per message.
#include "models/process_pool.hpp"
#include "workloads/http/http.hpp"

namespace concbench::http {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = std::make_shared<HttpService>();
          const Endpoint at = server->endpoint();
          auto sched = std::make_shared<Schedule>(c.tasks, c.rate);  // before the fork: its start is shared
          auto farm = task_handler([c, at, sched](std::size_t i) { return process_connection(at).get(i, c, *sched); });
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), [farm, at](std::string_view payload) -> std::string {
                if (payload != "connect") return farm(payload);
                process_connection(at);
                return {};
              });
          for (const Reply& r : pool->broadcast("connect"))  // connected before the timed runs
            if (!r.ok) throw std::runtime_error(r.data);
          return make_trial<ProcessPool>(std::move(pool), [c, server, sched](ProcessPool& pool) {
            sched->begin();
            return run_tasks(pool, c.tasks, Dispatch::each, 1);
          });
        },
});
}  // namespace
}  // namespace concbench::http
