#include "workloads/mixed/mixed.hpp"

#include "models/engines.hpp"

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
      // The waits alone: the grain is calibrated CPU work, not a timer (seen: 63.4 ms for an
      // ideal of 64 ms).
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

boost::asio::awaitable<TaskResult> async_task(std::size_t i, Config c) {
  namespace asio = boost::asio;
  const auto t0 = std::chrono::steady_clock::now();
  if (!fault::skip_wait()) {
    inflight::Scope waiting;
    asio::steady_timer timer(co_await asio::this_coro::executor, c.latency);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return finish(i, c, t0);
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
auto on_loops(const Params& p) {
  const Config c = config(p);
  return [c](const std::vector<asio::io_context*>&) {
    return LoopTasks{c.tasks, c.concurrency, [c](std::size_t i, std::size_t) { return async_task(i, c); }};
  };
}
auto blocking_list(const Params& p) {
  const Config c = config(p);
  return TaskList{c.tasks, [c](std::size_t i) { return blocking_task(i, c); }};
}
// C coroutines on every loop model; each awaits a timer, then computes on its loop (blocking
// it for W, as CPU work in asyncio does).
// procs_coro: one loop per worker process, each running its shard's coroutines.
const bool on_loops_registered = register_on_loops(workload(), loop_grid, on_loops, {.processes = true});
// Each task sleeps, then computes, on its worker (procs: in a child, one message at a time);
// threads_ws left out as in io.sleep.
const bool blocking_registered = register_on_engines(
    workload(), blocking_grid, blocking_list,
    {.blocking = true, .without = {"threads_ws"}, .processes = true, .depth = 1});
}  // namespace

}  // namespace concbench::mixed
