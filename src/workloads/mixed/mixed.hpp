// mixed: each task waits latency_us (a timer on loops, a sleep elsewhere) and then computes
// grain_us of calibrated work. Sweeping W/L (grain_us / latency_us) finds where each model
// wins: a loop overlaps the waits but serialises the computing; a pool does both, at the
// cost of one worker per in-flight wait.
// Params: [workers], concurrency, latency_us, grain_us; tasks (optional, 4 x concurrency).
// Limit: max(ceil(N / C) x (L + W), N x W / cores).
#pragma once

#include <chrono>
#include <cstddef>
#include <thread>

#include <boost/asio/awaitable.hpp>

#include "core/case.hpp"
#include "core/fault.hpp"
#include "core/inflight.hpp"
#include "core/spin.hpp"
#include "workloads/io_grid.hpp"

namespace concbench::mixed {

const Workload& workload();

struct Config {
  std::size_t tasks;
  std::size_t concurrency;
  std::chrono::microseconds latency;
  uint64_t iterations;  // spin() iterations for grain_us
};
Config config(const Params& p);

inline TaskResult finish(std::size_t i, const Config& c,
                         std::chrono::steady_clock::time_point t0) {
  const uint64_t v = fault::skip_compute() ? mix64(i) : spin(mix64(i), c.iterations);
  const auto ns = std::chrono::steady_clock::now() - t0;
  return {v, uint64_t(std::chrono::nanoseconds(ns).count())};
}

std::vector<Params> grid(const Suite& s, IoShape shape);

}  // namespace concbench::mixed
