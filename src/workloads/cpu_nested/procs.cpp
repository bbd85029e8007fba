// cpu.nested on `procs`: the top of the recursion stays in the parent: the keys are split
// into 2^k runs (2^k >= workers), each run is sent to a worker that sorts it with the same
// merge sort, and the parent merges the sorted runs back up the tree.
#include <cstring>

#include "models/process_pool.hpp"
#include "workloads/cpu_nested/cpu_nested.hpp"

namespace concbench::cpu_nested {
namespace {

std::string sort_run(std::string_view bytes) {
  std::vector<uint32_t> v(bytes.size() / sizeof(uint32_t));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(uint32_t));
  std::vector<uint32_t> tmp(v.size());
  Sequential seq;
  merge_sort(v.data(), tmp.data(), v.size(), seq);
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(uint32_t));
}

// The run boundaries the recursion would have at the first depth with >= workers runs.
std::vector<std::size_t> split(std::size_t n, int64_t workers) {
  std::vector<std::size_t> b{0, n};
  while (int64_t(b.size() - 1) < workers && (b[1] - b[0]) > kCutoff) {
    std::vector<std::size_t> next{0};
    for (std::size_t k = 0; k + 1 < b.size(); ++k) {
      next.push_back(b[k] + (b[k + 1] - b[k]) / 2);
      next.push_back(b[k + 1]);
    }
    b = next;
  }
  return b;
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          auto pool = std::make_unique<ProcessPool>(p.get("workers"), sort_run);
          const std::size_t n = elements(p);
          return make_trial<ProcessPool>(std::move(pool), [n](ProcessPool& pool) {
            auto v = input(n);  // made and hashed in every run, as in the reference
            const auto bounds = split(n, int64_t(pool.workers()));
            std::vector<std::string_view> runs;
            for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
              runs.emplace_back(reinterpret_cast<const char*>(v.data() + bounds[k]),
                                (bounds[k + 1] - bounds[k]) * sizeof(uint32_t));
            const auto replies = pool.run(runs);
            Batch b;
            for (std::size_t k = 0; k < replies.size(); ++k) {
              if (!replies[k].ok || replies[k].data.size() != runs[k].size()) {
                b.errors.push_back("run " + std::to_string(k) + ": " + replies[k].data);
                continue;
              }
              std::memcpy(v.data() + bounds[k], replies[k].data.data(), runs[k].size());
            }
            if (!b.errors.empty()) return b;
            merge_runs(v, bounds);
            b.results.push_back(digest(v));
            return b;
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_nested
