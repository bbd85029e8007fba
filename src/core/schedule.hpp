// The open loop's schedule (what pgbench -R and wrk2 do), shared by the clients of
// real services (http, db): request k is due at start + at(k), exponential gaps of mean
// 1/rate drawn from a fixed seed. A client takes requests in order as its connections come
// free, waits until each is due, and its latency counts from when it was due: a slow answer
// cannot hide the requests queued behind it. The start lives in shared memory, so that
// worker processes forked before it see it. Rate 0: a closed loop (everything due at start).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace concbench {

class Schedule {
 public:
  Schedule(std::size_t tasks, int64_t rate);
  ~Schedule();
  Schedule(const Schedule&) = delete;
  Schedule& operator=(const Schedule&) = delete;
  void begin();  // the run starts now (call before the first request)
  // When request i is due (the run's start for a closed loop).
  std::chrono::steady_clock::time_point due(std::size_t i) const;
  bool open() const { return !offsets_.empty(); }
  // Where request i's latency counts from: when it was due (open loop) or sent (closed).
  std::chrono::steady_clock::time_point since(std::size_t i, std::chrono::steady_clock::time_point sent) const {
    return open() ? due(i) : sent;
  }
  // Seconds from the first request's due time to the last's (0 for a closed loop).
  double span_seconds() const;

 private:
  std::vector<int64_t> offsets_;  // ns after the start; empty: closed loop
  std::atomic<int64_t>* start_ns_;
};

}  // namespace concbench
