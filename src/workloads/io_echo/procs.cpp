// io.echo on `procs`: P pre-forked workers, each with its own blocking connection, opened
// once per worker during set-up (a broadcast), one round trip per message.
#include "models/process_pool.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench::io_echo {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = std::make_shared<EchoService>();
          const Endpoint at = server->endpoint();
          auto farm = task_handler(
              [c, at](std::size_t i) { return process_connection(at).round_trip(i, c.delay_us); });
          auto pool = std::make_unique<ProcessPool>(
              p.get("workers"), [farm, at](std::string_view payload) -> std::string {
                if (payload != "connect") return farm(payload);
                process_connection(at);
                return {};
              });
          // Every worker connects before the timed runs, as the other models do.
          for (const Reply& r : pool->broadcast("connect"))
            if (!r.ok) throw std::runtime_error(r.data);
          return make_trial<ProcessPool>(std::move(pool), [c, server](ProcessPool& pool) {
            return run_tasks(pool, c.tasks, Dispatch::each, 1);
          });
        },
});
}  // namespace
}  // namespace concbench::io_echo
