#include "workloads/cpu_nested/cpu_nested.hpp"

namespace concbench::cpu_nested {

std::size_t elements(const Params& p) { return std::size_t(p.get_or("tasks", 1 << 21)); }

std::vector<uint32_t> input(std::size_t n) {
  std::vector<uint32_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = uint32_t(mix64(i));
  return v;
}

TaskResult digest(const std::vector<uint32_t>& sorted) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (uint32_t x : sorted) h = (h ^ x) * 0x100000001b3ULL;
  return {h, 0};
}

void merge_runs(std::vector<uint32_t>& v, std::vector<std::size_t> bounds) {
  std::vector<uint32_t> tmp(v.size());
  while (bounds.size() > 2) {
    std::vector<std::size_t> next{bounds[0]};
    for (std::size_t k = 0; k + 2 < bounds.size(); k += 2) {
      std::merge(v.begin() + std::ptrdiff_t(bounds[k]), v.begin() + std::ptrdiff_t(bounds[k + 1]),
                 v.begin() + std::ptrdiff_t(bounds[k + 1]), v.begin() + std::ptrdiff_t(bounds[k + 2]),
                 tmp.begin() + std::ptrdiff_t(bounds[k]));
      std::copy(tmp.begin() + std::ptrdiff_t(bounds[k]), tmp.begin() + std::ptrdiff_t(bounds[k + 2]),
                v.begin() + std::ptrdiff_t(bounds[k]));
      next.push_back(bounds[k + 2]);
    }
    if (bounds.size() % 2 == 0) next.push_back(bounds.back());  // odd run count: last one waits
    bounds = next;
  }
}

const Workload& workload() {
  static const Workload w{
      .name = "cpu.nested",
      .kind = Kind::cpu,
      .reference = unprepared([](const Params& p) {
            auto v = input(elements(p));
            std::vector<uint32_t> tmp(v.size());
            Sequential seq;
            merge_sort(v.data(), tmp.data(), v.size(), seq);
            return Batch{{digest(v)}, {}};
          }),
      .items = [](const Params& p) { return int64_t(elements(p)); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool workers) {
  return s.worker_points(workers);
}

}  // namespace concbench::cpu_nested
