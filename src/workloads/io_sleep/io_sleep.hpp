// io.sleep: N waits of latency L with C in flight: the guide's asyncio.sleep. Loops wait on
// asio timers; blocking models sleep in their workers (or processes).
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

// The blocking task: sleep on this thread (`sleep`: how the caller's model blocks, a
// fiber's sleep for fibers).
template <class Sleep>
TaskResult sleep_task(std::size_t i, std::chrono::microseconds latency, Sleep sleep) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!fault::skip_wait()) {
    inflight::Scope waiting;
    sleep(latency);
  }
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - t0);
  return {value(i), uint64_t(ns.count())};
}
inline TaskResult sleep_task(std::size_t i, std::chrono::microseconds latency) {
  return sleep_task(i, latency, [](std::chrono::microseconds d) { std::this_thread::sleep_for(d); });
}

// The loop's task: await an asio steady_timer (used by every loop model).
boost::asio::awaitable<TaskResult> timer_task(std::size_t i, std::chrono::microseconds latency);

std::vector<Params> grid(const Suite& s, IoShape shape);

}  // namespace concbench::io_sleep
