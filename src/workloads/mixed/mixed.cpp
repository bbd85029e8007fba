#include "workloads/mixed/mixed.hpp"

#include "models/timed.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>

namespace concbench::mixed {

Config config(const Params& p) {
  const auto c = p.get("concurrency");
  return {std::size_t(p.get_or("tasks", 4 * c)), std::size_t(c),
          std::chrono::microseconds(p.get("latency_us")),
          spin_iterations_for_us(double(p.get("grain_us")))};
}

const Workload& workload() {
  static const Workload w{
      .name = "mixed",
      .kind = Kind::io,
      .reference = unprepared([](const Params& p) {
            const Config c = config(p);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i) b.results[i].value = spin(mix64(i), c.iterations);
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .bytes = {},
      .ideal_seconds =
          [](const Params& p, int cores) {
            const Config c = config(p);
            const double l = double(c.latency.count()) * 1e-6, w = double(p.get("grain_us")) * 1e-6;
            const double n = double(c.tasks);
            return std::max(std::ceil(n / double(c.concurrency)) * (l + w), n * w / double(cores));
          },
      // The waits alone: the grain is calibrated CPU work, not a timer, and may run a little
      // short of its nominal time.
      .floor_seconds =
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
  const std::vector<int64_t> grains = s.quick() ? std::vector<int64_t>{100, 1000}
                                                : std::vector<int64_t>{10, 100, 1000, 10000};
  std::vector<Params> points;
  for (int64_t g : grains) points.push_back({{"concurrency", 32}, {"latency_us", 1000}, {"grain_us", g}});
  if (const Params* at = s.at_for("mixed")) points = {*at};
  return io_points(s, shape, points);
}

namespace {
std::vector<Params> loop_grid(const Suite& s, std::string_view model) { return grid(s, loop_shape(model)); }
std::vector<Params> blocking_grid(const Suite& s, std::string_view) { return grid(s, IoShape::blocking); }
TimedTasks timed(const Params& p) {
  const Config c = config(p);
  return {c.tasks, c.concurrency, c.latency,
          [c](std::size_t i, std::chrono::steady_clock::time_point t0) { return finish(i, c, t0); }};
}
// Each task waits, then computes where its model runs it: on a loop, blocking the loop for W
// (as CPU work in asyncio does); on a worker, its thread or process; on tbb and fibers, a pool
// thread. threads_ws left out as in io.sleep.
const bool registered = register_timed(workload(), loop_grid, blocking_grid, timed,
                                       {.without = {"threads_ws"}});
}  // namespace

}  // namespace concbench::mixed
