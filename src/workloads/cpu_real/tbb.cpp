// cpu.real on `tbb`: workers process documents that stay in the parent's memory.
#include "models/tbb_arena.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          auto engine = std::make_unique<TbbArena>(p.get("workers"));
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<TbbArena>(std::move(engine), [docs](TbbArena& arena) {
            return run_blocking(arena, docs->size(), [&](std::size_t i) { return process((*docs)[i]); });
          });
        },
    .needs = [](const Params& p) { return Needs{.threads = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_real
