#include "workloads/io_sleep/io_sleep.hpp"

#include "models/timed.hpp"

#include <cmath>


namespace concbench::io_sleep {

Config config(const Params& p) {
  const auto c = p.get("concurrency");
  return {std::size_t(p.get_or("tasks", 4 * c)), std::size_t(c),
          std::chrono::microseconds(p.get("latency_us"))};
}

const Workload& workload() {
  static const Workload w{
      .name = "io.sleep",
      .kind = Kind::io,
      .reference = unprepared([](const Params& p) {
            Batch b;
            b.results.resize(config(p).tasks);
            for (std::size_t i = 0; i < b.results.size(); ++i) b.results[i].value = value(i);
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .bytes = {},
      .ideal_seconds =
          [](const Params& p, int) {
            const Config c = config(p);
            return std::ceil(double(c.tasks) / double(c.concurrency)) * double(c.latency.count()) * 1e-6;
          },
      .in_flight = [](const Params& p) { return p.get("concurrency"); },
      .wait_floor_us = [](const Params& p) { return p.get("latency_us"); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, IoShape shape) {
  std::vector<Params> points;
  if (s.quick()) {
    points.push_back({{"concurrency", 100}, {"latency_us", 10000}});
    if (shape != IoShape::blocking) {
      points.push_back({{"concurrency", 1000}, {"latency_us", 1000}});
      points.push_back({{"concurrency", 10000}, {"latency_us", 100000}});
    }
  } else {
    for (int64_t c : {1, 10, 100, 1000, 10000})
      for (int64_t l : {1000, 10000, 100000}) points.push_back({{"concurrency", c}, {"latency_us", l}});
  }
  if (const Params* at = s.at_for("io.sleep")) points = {*at};
  return io_points(s, shape, points, /*queueing=*/!s.quick() && !s.at_for("io.sleep"));
}

namespace {
std::vector<Params> loop_grid(const Suite& s, std::string_view model) { return grid(s, loop_shape(model)); }
std::vector<Params> blocking_grid(const Suite& s, std::string_view model) {
  auto g = grid(s, IoShape::blocking);
  // A fork per wait at 10,000 waits in flight is a fork bomb, not a design.
  if (const auto k = model_kind(model); k && k->per_task && k->workers == "processes")
    std::erase_if(g, [](const Params& p) { return p.get("concurrency") > 1000; });
  return g;
}
TimedTasks timed(const Params& p) {
  const Config c = config(p);
  return {c.tasks, c.concurrency, c.latency, [](std::size_t i, std::chrono::steady_clock::time_point t0) {
            return TaskResult{value(i), uint64_t(std::chrono::nanoseconds(std::chrono::steady_clock::now() - t0).count())};
          }};
}
// Every model, a thread or a fork per wait too. threads_ws is left out: a worker blocked in a
// sleep takes nothing from any queue, so its queues change nothing that threads shows.
const bool registered = register_timed(workload(), loop_grid, blocking_grid, timed,
                                       {.per_task = true, .without = {"threads_ws"}});
}  // namespace

}  // namespace concbench::io_sleep
