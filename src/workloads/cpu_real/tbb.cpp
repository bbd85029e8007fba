// cpu.real on `tbb`: the same documents, processed by tasks of an arena of P slots.
#include "models/tbb_arena.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {

const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, "tbb"); },
    .make =
        [](const Params& p) {
          auto engine = std::make_unique<TbbArena>(p.get("workers"));
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<TbbArena>(std::move(engine), [docs, d = p.dispatch()](TbbArena& e) {
            return run_tasks(e, docs->size(), [&](std::size_t i) { return process((*docs)[i]); }, d);
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_real
