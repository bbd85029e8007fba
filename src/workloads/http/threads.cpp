// http on `threads`: C pool threads (requests' ThreadPoolExecutor shape), each request a blocking Beast GET on a connection borrowed from C.
#include "models/thread_pool.hpp"
#include "models/kinds.hpp"
#include "workloads/http/http.hpp"

namespace concbench::http {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, IoShape::blocking); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = std::make_shared<HttpServer>();
          auto conns = std::make_shared<ConnectionPool>(server->endpoint(), c.concurrency);
          auto sched = std::make_shared<Schedule>(c);
          return make_trial<ThreadPool>(make_engine<ThreadPool>(p), [c, server, conns, sched](ThreadPool& e) {
            sched->begin();
            return run_tasks(e, c.tasks, [&](std::size_t i) { return conns->get(i, c, *sched); }, Dispatch::each);
          });
        },
    .needs = [](const Params& p) { return model_needs("threads", p, 1); },
});
}  // namespace
}  // namespace concbench::http
