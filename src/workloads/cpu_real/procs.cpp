// cpu.real on `procs`: documents are made after the fork and sent to the workers in
// batches of tasks / (4 x workers) (multiprocessing.Pool.map's chunksize), length-prefixed;
// each worker parses its batch and returns the results.
#include <cstring>

#include "models/process_pool.hpp"
#include "workloads/cpu_real/cpu_real.hpp"

namespace concbench::cpu_real {
namespace {

std::string handle(std::string_view batch) {
  std::vector<TaskResult> out;
  while (!batch.empty()) {
    uint32_t len;
    std::memcpy(&len, batch.data(), sizeof len);
    out.push_back(process(batch.substr(sizeof len, len)));
    batch.remove_prefix(sizeof len + len);
  }
  return to_bytes(out);
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          auto pool = std::make_unique<ProcessPool>(p.get("workers"), handle);
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<ProcessPool>(std::move(pool), [docs](ProcessPool& pool) {
            const std::size_t n = docs->size();
            const std::size_t chunk = std::max<std::size_t>(1, n / (4 * pool.workers()));
            std::vector<std::string> batches;  // serialising the arguments is part of the cost
            for (std::size_t first = 0; first < n; first += chunk) {
              std::string b;
              for (std::size_t i = first; i < std::min(n, first + chunk); ++i) {
                const auto len = uint32_t((*docs)[i].size());
                b.append(reinterpret_cast<const char*>(&len), sizeof len).append((*docs)[i]);
              }
              batches.push_back(std::move(b));
            }
            const auto replies = pool.run({batches.begin(), batches.end()});
            Batch out;
            for (std::size_t k = 0; k < replies.size(); ++k) {
              if (!replies[k].ok) {
                out.errors.push_back("batch " + std::to_string(k) + ": " + replies[k].data);
                continue;
              }
              for (const auto& r : results_from_bytes(replies[k].data)) out.results.push_back(r);
            }
            return out;
          });
        },
    .needs = [](const Params& p) { return Needs{.processes = p.get("workers"), .descriptors = p.get("workers")}; },
});
}  // namespace
}  // namespace concbench::cpu_real
