// start on `procs_coro`: P children forked (each will run its own loop), each having answered
// one message: the same fork cost as `procs`, measured for its own column.
#include "models/procs_coro.hpp"
#include "workloads/start/start.hpp"

namespace concbench::start {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs_coro",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const int64_t w = p.get("workers");
          return start_trial<ProcessPool>([w] {
            auto pool = std::make_unique<ProcessPool>(
                w, shard_handler([](std::size_t, std::size_t) -> asio::awaitable<TaskResult> {
                  co_return TaskResult{};
                }));
            pool->broadcast("");  // answered (with an error: an empty shard); it is running
            return pool;
          }, [](ProcessPool& pool) { return pool.roll_call(); });
        },
});
}  // namespace
}  // namespace concbench::start
