#include "workloads/start/start.hpp"

namespace concbench::start {

const Workload& workload() {
  static const Workload w{
      .name = "start",
      .kind = Kind::start,
      .reference = unprepared([](const Params&) { return Batch{{{1, 0}}, {}}; }),
      .items = [](const Params&) { return int64_t(1); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool workers) {
  if (!workers) return {Params{}};
  std::vector<int64_t> w = s.quick() ? std::vector<int64_t>{s.cores} : s.worker_sweep();
  if (!s.quick()) {
    w.push_back(100);
    w.push_back(1000);
  }
  std::vector<Params> out;
  for (auto x : w) out.push_back({{"workers", x}});
  return out;
}

}  // namespace concbench::start
