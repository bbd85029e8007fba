// ipc on `procs`: payloads are written into a worker's socket and read by the worker (one
// copy out, one copy in, as pickling arguments to multiprocessing.Pool does at best). each:
// one payload per message, two in flight per worker; map: ceil(N / 4P) consecutive payloads
// per message (one contiguous view: no copy in the parent either way).
#include "models/process_pool.hpp"
#include "workloads/ipc/ipc.hpp"

namespace concbench::ipc {
namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, "procs"); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          const Dispatch d = p.dispatch();
          // The worker knows the payload size (fixed before the fork); a map message carries
          // count x size bytes, or the count alone for empty payloads.
          auto handler = [c, d](std::string_view msg) {
            if (d == Dispatch::each) return to_bytes({task(msg)});
            std::size_t count = 0;
            if (c.payload == 0)
              std::memcpy(&count, msg.data(), std::min(msg.size(), sizeof count));
            else
              count = msg.size() / c.payload;
            std::vector<TaskResult> out(count);
            for (std::size_t k = 0; k < count; ++k) out[k] = task(msg.substr(k * c.payload, c.payload));
            return to_bytes(out);
          };
          auto pool = std::make_unique<ProcessPool>(p.get("workers"), handler);
          auto data = std::make_shared<Payloads>(c);  // allocated after the fork
          return make_trial<ProcessPool>(std::move(pool), [c, data, d](ProcessPool& e) {
            const std::size_t slots = 4 * e.workers();
            const std::size_t chunk = d == Dispatch::map ? (c.tasks + slots - 1) / slots : 1;
            std::vector<uint64_t> counts;
            std::vector<std::string_view> msgs;
            for (std::size_t first = 0; first < c.tasks; first += chunk)
              counts.push_back(std::min(chunk, c.tasks - first));
            for (std::size_t k = 0, first = 0; k < counts.size(); first += counts[k++])
              msgs.push_back(c.payload == 0 && d == Dispatch::map
                                 ? std::string_view(reinterpret_cast<const char*>(&counts[k]), 8)
                                 : data->range(first, counts[k]));
            const auto replies = e.run(msgs, d == Dispatch::map ? 1 : 2);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t k = 0, first = 0; k < counts.size(); first += counts[k++])
              decode_reply(replies[k], first, counts[k], b);
            return b;
          });
        },
});
}  // namespace
}  // namespace concbench::ipc
