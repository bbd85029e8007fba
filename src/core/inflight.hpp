// How many tasks wait at once: every I/O wait (a sleep, a timer, a suspended TBB task, a
// round trip) holds an InFlight::Scope while it waits. The counters live in one shared page
// mapped before main() runs, so that the waits of forked worker processes count too. The
// harness resets the gauge before each run and checks its peak (a model that skipped
// its waits shows 0; one that held more than the concurrency asked is wrong).
#pragma once

#include <atomic>
#include <cstdint>

#include "core/trace.hpp"

namespace concbench::inflight {

struct Gauge {
  std::atomic<int64_t> now{0};
  std::atomic<int64_t> peak{0};
};

// The process tree's gauge (shared with workers forked after main() started).
Gauge& gauge();

inline void enter() {
  Gauge& g = gauge();
  const int64_t n = g.now.fetch_add(1, std::memory_order_relaxed) + 1;
  if (trace::on()) trace::counter("tasks in flight", n);
  int64_t p = g.peak.load(std::memory_order_relaxed);
  while (n > p && !g.peak.compare_exchange_weak(p, n, std::memory_order_relaxed)) {
  }
}
inline void leave() {
  const int64_t n = gauge().now.fetch_sub(1, std::memory_order_relaxed) - 1;
  if (trace::on()) trace::counter("tasks in flight", n);
}

// Held for the duration of one wait.
struct Scope {
  Scope() { enter(); }
  ~Scope() { leave(); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
};

// CPU work (every benchmark reports its peak tasks in flight): tasks handed to an
// engine and not yet finished. The threads that hand tasks over count them (handed) and the
// ones that run them count their ends (finished), each thread on its own cache line, so that
// a task costs two uncontended adds; a thread that hands over samples the difference every
// 64 hand-overs, and once more at the end (sample()), into tasks_peak(). A sampled peak: it
// can miss a peak that lasted less than 64 hand-overs.
namespace tasks {
void handed(int64_t k = 1);
void finished(int64_t k = 1);
void sample();
// A chunk of k tasks claimed by the calling worker: in flight from here to the scope's end.
struct Chunk {
  explicit Chunk(int64_t tasks) : k(tasks) {
    handed(k);
    sample();
  }
  ~Chunk() { finished(k); }
  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;
  int64_t k;
};
}  // namespace tasks
int64_t tasks_peak();

void reset();
inline int64_t peak() { return gauge().peak.load(); }

}  // namespace concbench::inflight
