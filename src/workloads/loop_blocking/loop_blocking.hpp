// loop.blocking (docs/questions.md questions 1 and 5): a probe task sleeps 1 ms at a time and
// records how late each wake comes, while a second task, `tasks` times, waits `block_ms` and
// then spends `block_ms` in its `block`:
//   async      awaits an asio timer (the loop is free meanwhile)        coro
//   sleep      a synchronous sleep on its thread                         every model
//   cpu        burns CPU inline (spin)                                   every model
//   to_thread  the same sleep offloaded to an asio::thread_pool, awaited (asyncio.to_thread)
//   to_procs   the same CPU work offloaded to a process pool, awaited    (run_in_executor)
// On coro both tasks share the loop: a blocking call makes the probe late by its length. On
// threads, tbb and procs they run on two workers: one blocked worker does not stall the
// other. The loop also runs asyncio's slow-callback detector (core/loop_watch.hpp).
// Params: [workers], block (a word), block_ms; tasks (optional: 200 ms of blocking, >= 2).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "models/tasks.hpp"

namespace concbench::loop_blocking {

const Workload& workload();

enum class Block : int64_t { async, sleep, cpu, to_thread, to_procs };

struct Config {
  Block block;
  std::chrono::microseconds length;  // of one blocking call, and of the gap before it
  std::size_t tasks;                 // blocking calls per run
};
Config config(const Params& p);

// The probe's period.
inline constexpr std::chrono::microseconds kProbePeriod{1000};

// The probe's samples and the flag that ends it, in shared memory: a probe in a worker
// process writes where the parent reads.
class ProbeLog {
 public:
  ProbeLog();
  ~ProbeLog();
  ProbeLog(const ProbeLog&) = delete;
  ProbeLog& operator=(const ProbeLog&) = delete;

  void reset();
  void record(std::chrono::nanoseconds lateness);
  bool done() const;
  void set_done();
  // The longest the probe runs when the blocker never ends it (a broken schedule).
  std::chrono::nanoseconds deadline(const Config& c) const;
  // Copies the samples into `b` (lag_us, probe_ticks_per_s); an error when the probe never
  // ticked or was stopped by its deadline instead of the blocker.
  void finish(Batch& b, double run_seconds) const;
  void stopped_by_deadline();

 private:
  struct Shared;
  Shared* s_;
};

// Result of the probe task (task 0): a constant; the blocker (task 1): every call's value.
uint64_t probe_value();
// What blocking call k returns: the spin's result (cpu, to_procs) or a value of k.
uint64_t call_value(std::size_t k, const Config& c);
// Blocking call k on this thread: sleeps (sleep, to_thread, and async's reference) or spins
// (cpu, to_procs). Throws when the sleep was cut short.
uint64_t blocking_call(std::size_t k, const Config& c);
// Throws unless `took` is at least the call's length (the wait was not skipped).
void check_length(std::size_t k, std::chrono::nanoseconds took, const Config& c);
inline uint64_t fold(uint64_t acc, uint64_t v) { return acc + mix64(v); }

// Ends the probe however the blocker ends (returns, throws, is destroyed).
struct EndsProbe {
  ProbeLog& log;
  ~EndsProbe() { log.set_done(); }
};

// One run: the log reset, `run` timed, the probe's samples and figures added to its batch.
Batch with_probe(ProbeLog& log, const std::function<Batch()>& run);

// The two tasks on a model whose workers block: task 0 the probe (sleep_for), task 1 the
// blocker (sleep_for the gap, then the blocking call).
TaskResult blocking_task(std::size_t i, const Config& c, ProbeLog& log);

// The grid: coro every block; a model with workers (>= 2: the probe holds one) sleep and cpu.
std::vector<Params> grid(const Suite& s, bool loop);

}  // namespace concbench::loop_blocking
