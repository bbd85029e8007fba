// io.sleep: N waits of latency L with C in flight: the guide's asyncio.sleep, a timed wait
// (models/timed.hpp) that each model makes in its own idiom.
// Params: [workers], concurrency, latency_us; tasks (optional, default 4 x concurrency).
// Limit: ideal makespan = ceil(N / C) x L.
#pragma once

#include <chrono>
#include <cstddef>
#include <thread>

#include <boost/asio/awaitable.hpp>

#include "core/case.hpp"
#include "core/fault.hpp"
#include "core/inflight.hpp"
#include "workloads/io_grid.hpp"

namespace concbench::io_sleep {

const Workload& workload();

struct Config {
  std::size_t tasks;
  std::size_t concurrency;
  std::chrono::microseconds latency;
};
Config config(const Params& p);

inline uint64_t value(std::size_t i) { return mix64(i ^ 0x5ee9); }

std::vector<Params> grid(const Suite& s, IoShape shape);

}  // namespace concbench::io_sleep
