// http on `coro`: C coroutines on one loop, each with its keep-alive connection, an async
// Boost.Beast client (aiohttp's shape).
#include "models/event_loop.hpp"
#include "workloads/http/http.hpp"

namespace concbench::http {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loop); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto server = std::make_shared<HttpService>();
          auto loop = std::make_unique<EventLoop>();
          auto lanes = std::make_shared<Lanes>(loop->context(), server->endpoint(), c.concurrency);
          auto sched = std::make_shared<Schedule>(c.tasks, c.rate);
          return make_trial<EventLoop>(std::move(loop), [c, server, lanes, sched](EventLoop& loop) {
            sched->begin();
            return run_tasks(loop, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t lane) {
              return async_get(*lanes, lane, i, c, *sched);
            });
          });
        },
    .needs = [](const Params& p) { return Needs{.threads = 1, .descriptors = p.get("concurrency")}; },
});
}  // namespace
}  // namespace concbench::http
