// start on `procs`: P children forked, each having answered one message.
#include "models/process_pool.hpp"
#include "workloads/start/start.hpp"

namespace concbench::start {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const int64_t w = p.get("workers");
          return start_trial<ProcessPool>([w] {
            auto pool = std::make_unique<ProcessPool>(w, [](std::string_view) { return std::string(); });
            pool->broadcast("");  // started = every child has answered once
            return pool;
          }, [](ProcessPool& pool) { return pool.roll_call(); });
        },
});
}  // namespace
}  // namespace concbench::start
