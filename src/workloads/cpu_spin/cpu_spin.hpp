// cpu.spin: N tasks of calibrated integer work, grain_us microseconds each. Sweeping the
// grain from 1 µs to 10 ms exposes each model's per-task overhead.
// Params: workers (models that have them), grain_us; tasks (optional, default below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/case.hpp"
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
  return {spin(mix64(i), iterations), 0};
}

struct GridShape {
  bool workers = true;        // the model has a worker count (not coro)
  bool coarse_only = false;   // grains >= 1 ms only (fork/thread per task)
};
std::vector<Params> grid(const Suite& s, GridShape shape);

}  // namespace concbench::cpu_spin
