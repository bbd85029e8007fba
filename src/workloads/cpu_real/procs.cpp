// cpu.real on `procs`: documents are made after the fork and sent to the workers
// length-prefixed (serialising the arguments is part of the cost); map: batches of
// ceil(N / 4P) documents (Pool.map's chunksize), each: one document per message, two in
// flight per worker.
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
    .grid = [](const Suite& s) { return grid(s, "procs"); },
    .make =
        [](const Params& p) {
          auto pool = std::make_unique<ProcessPool>(p.get("workers"), handle);
          auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
          return make_trial<ProcessPool>(std::move(pool), [docs, d = p.dispatch()](ProcessPool& e) {
            const std::size_t n = docs->size(), slots = 4 * e.workers();
            const std::size_t chunk = d == Dispatch::map ? (n + slots - 1) / slots : 1;
            std::vector<std::string> batches;
            for (std::size_t first = 0; first < n; first += chunk) {
              std::string b;
              for (std::size_t i = first; i < std::min(n, first + chunk); ++i) {
                const auto len = uint32_t((*docs)[i].size());
                b.append(reinterpret_cast<const char*>(&len), sizeof len).append((*docs)[i]);
              }
              batches.push_back(std::move(b));
            }
            const auto replies = e.run({batches.begin(), batches.end()}, d == Dispatch::map ? 1 : 2);
            Batch out;
            out.results.resize(n);
            for (std::size_t k = 0; k < replies.size(); ++k)
              decode_reply(replies[k], k * chunk, std::min(chunk, n - k * chunk), out);
            return out;
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_real
