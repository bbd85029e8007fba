#include "workloads/cpu_spin/cpu_spin.hpp"

#include <algorithm>
#include <cmath>

#include "core/system.hpp"

namespace concbench::cpu_spin {

Config config(const Params& p) {
  const int64_t grain = p.get("grain_us");
  const int64_t widest = std::max<int64_t>(4, available_cores());
  const auto tasks = p.get_or("tasks", std::max<int64_t>(200'000 / grain, 8 * widest));
  return {std::size_t(tasks), spin_iterations_for_us(double(grain))};
}

const Workload& workload() {
  static const Workload w{
      .name = "cpu.spin",
      .kind = Kind::cpu,
      .reference = unprepared([](const Params& p) {
            const Config c = config(p);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i) b.results[i] = task(i, c.iterations);
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, GridShape shape) {
  std::vector<int64_t> grains{1, 10, 100, 1000, 10000};
  if (shape.coarse_only) std::erase_if(grains, [](int64_t g) { return g < 1000; });
  std::vector<Params> out;
  if (!shape.workers) {
    for (auto g : grains) out.push_back({{"grain_us", g}});
    return out;
  }
  for (auto w : s.workers())
    for (auto g : grains) out.push_back({{"workers", w}, {"grain_us", g}});
  return out;
}

}  // namespace concbench::cpu_spin
