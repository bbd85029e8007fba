#include "workloads/cpu_spin/cpu_spin.hpp"

#include <algorithm>
#include <cmath>

#include "core/system.hpp"
#include "models/engines.hpp"
#include "models/kinds.hpp"

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

std::vector<Params> grid(const Suite& s, std::string_view model) {
  std::vector<int64_t> grains = s.quick() ? std::vector<int64_t>{1, 1000}
                                          : std::vector<int64_t>{1, 10, 100, 1000, 10000};
  if (const Params* at = s.at_for("cpu.spin")) grains = {at->get("grain_us")};
  if (model_kind(model)->per_task) std::erase_if(grains, [](int64_t g) { return g < 1000; });
  std::vector<Params> points;
  for (const Params& w : worker_points(s, model))
    for (auto g : grains) points.push_back(Params(w).set("grain_us", g));
  return with_dispatch(model, points);
}

namespace {
// Every model, a thread or a fork per task too (their grid keeps grains of 1 ms and more);
// procs: index ranges (map) or one index per message (each), the workers computing them;
// procs_coro: each worker's loop runs guided chunks as its process frees (map).
const bool registered = register_on_engines(workload(), grid, task_list,
                                            {.per_task = true, .processes = true});
}  // namespace

}  // namespace concbench::cpu_spin
