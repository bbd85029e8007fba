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
  return s.worker_points(workers, {100, 1000});
}

}  // namespace concbench::start
