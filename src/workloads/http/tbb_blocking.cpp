// http on `tbb_blocking`: an arena of C slots whose tasks block, each request a blocking Beast GET on a connection borrowed from C.
#include "models/tbb_arena.hpp"
#include "models/kinds.hpp"
#include "workloads/http/http.hpp"

namespace concbench::http {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb_blocking",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = std::make_shared<HttpServer>();
          auto conns = std::make_shared<ConnectionPool>(server->endpoint(), c.concurrency);
          auto sched = std::make_shared<Schedule>(c);
          return make_trial<TbbArena>(make_engine<TbbArena>(p), [c, server, conns, sched](TbbArena& e) {
            sched->begin();
            return run_tasks(e, c.tasks, [&](std::size_t i) { return conns->get(i, c, *sched); }, Dispatch::each);
          });
        },
    .needs = [](const Params& p) { return model_needs("tbb_blocking", p, 1); },
});
}  // namespace
}  // namespace concbench::http
