// cpu.spin: N tasks of calibrated integer work, grain_us microseconds each. Sweeping the
// grain from 1 µs to 10 ms exposes each model's per-task overhead.
// Params: workers (models that have them), grain_us; tasks (optional, default below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "models/tasks.hpp"
#include "core/fault.hpp"
#include "core/spin.hpp"

namespace concbench::cpu_spin {

const Workload& workload();

struct Config {
  std::size_t tasks;
  uint64_t iterations;  // of spin() per task: grain_us at this machine's calibrated rate
};
// tasks: `tasks` if given, else 200 ms of sequential work split into grains, but at least
// 8 tasks per worker at the widest sweep, so that every worker count has work to share.
Config config(const Params& p);

inline TaskResult task(std::size_t i, uint64_t iterations) {
  if (fault::skip_compute()) return {mix64(i), 0};
  return {spin(mix64(i), iterations), 0};
}

// The grid of `model` (its workers and dispatch shapes from models/kinds.hpp): grains 1 us ..
// 10 ms (>= 1 ms for a thread or fork per task); quick: grains 1 us and 1 ms.
std::vector<Params> grid(const Suite& s, std::string_view model);

// The run's tasks: `tasks` calls of task() (after the engine started).
inline auto task_list(const Params& p) {
  const Config c = config(p);
  return TaskList{c.tasks, [c](std::size_t i) { return task(i, c.iterations); }};
}

}  // namespace concbench::cpu_spin
