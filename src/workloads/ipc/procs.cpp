// ipc on `procs`: each payload is written into a worker's socket and read by the worker
// (one copy out, one copy in, as pickling arguments to multiprocessing.Pool does at best).
#include "models/process_pool.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(p.get("workers"), [](std::string_view payload) {
            const TaskResult r = task(payload);
            return std::string(reinterpret_cast<const char*>(&r), sizeof r);
          });
          auto data = std::make_shared<Payloads>(c);  // allocated after the fork
          return make_trial<ProcessPool>(std::move(pool), [c, data](ProcessPool& pool) {
            std::vector<std::string_view> payloads(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i) payloads[i] = (*data)[i];
            const auto replies = pool.run(payloads);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i) {
              if (!replies[i].ok || replies[i].data.size() != sizeof(TaskResult))
                b.errors.push_back("task " + std::to_string(i) + ": " + replies[i].data);
              else
                std::memcpy(&b.results[i], replies[i].data.data(), sizeof(TaskResult));
            }
            return b;
          });
        },
    .needs = [](const Params& p) { return Needs{.processes = p.get("workers"), .descriptors = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::ipc
