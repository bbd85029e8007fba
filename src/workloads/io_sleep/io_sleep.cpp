#include "workloads/io_sleep/io_sleep.hpp"

#include <cmath>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

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

boost::asio::awaitable<TaskResult> timer_task(std::size_t i, std::chrono::microseconds latency) {
  namespace asio = boost::asio;
  const auto t0 = std::chrono::steady_clock::now();
  if (!fault::skip_wait()) {
    inflight::Scope waiting;
    asio::steady_timer timer(co_await asio::this_coro::executor, latency);
    co_await timer.async_wait(asio::use_awaitable);
  }
  const auto ns = std::chrono::steady_clock::now() - t0;
  co_return TaskResult{value(i), uint64_t(std::chrono::nanoseconds(ns).count())};
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

}  // namespace concbench::io_sleep
