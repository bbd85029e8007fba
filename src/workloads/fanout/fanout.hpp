// fanout (docs/questions.md question 4): K tasks with uneven delays (task i waits base + step x a
// permutation of i: every delay distinct, from 5 ms to 25 ms), and three ways to wait:
//   wait:all    every result at once (asyncio.gather, futures joined, task_group::wait)
//   wait:each   each result as it completes, in completion order (as_completed)
//   wait:first  the first result, the rest cancelled (FIRST_COMPLETED + cancel): the time
//               until every cancelled task has released what it held is measured too
// Models: coro (cancellation slots), threads (futures on a pool of K workers, a stop_token),
// tbb (suspended tasks, their reactor timers cancelled), fork_per_task (waitpid on any child,
// SIGKILL for the rest), procs (a pool of K processes: the unsent dropped, the running killed
// and replaced). Checked: every task reported once; a completed task waited at
// least its delay; wait:first completed at least one task, and cancelled at least one if a
// task was still due to wait over 5 ms when the consumer took the first result (one held
// off the CPU until every wait had ended has nothing left to cancel).
// Params: [workers = K], wait (a word), tasks (K).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/case.hpp"

namespace concbench::fanout {

const Workload& workload();

enum class Wait : int64_t { all, each, first };

struct Config {
  Wait wait;
  std::size_t tasks;
};
Config config(const Params& p);

std::chrono::microseconds delay(std::size_t i, const Config& c);
inline uint64_t value(std::size_t i) { return mix64(i ^ 0xfa0); }

// What happened to one run's tasks, recorded as they end (any thread).
class Outcome {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Outcome(const Config& c);
  void start() { start_ = Clock::now(); }
  // Task i ended after `elapsed` (at `at` when it is reported later than it ended; now by
  // default, read only for a completed task: the cancelled ones' endings are timed):
  // completed its wait, or was cancelled. Returns true for the first task to complete
  // (wait:first cancels the others then).
  bool ended(std::size_t i, std::chrono::nanoseconds elapsed, bool completed, Clock::time_point at = {});
  // The consumer takes the ending ended() just reported: wait:each takes every completed
  // result as it comes, wait:first the first one (wait:all waits for all_ended()).
  void consume(bool completed, bool first);
  // Every task has ended (joined, reaped: wait:first's cancelled ones have released, and
  // wait:all's consumer gets every result now). Returns the results, the checks (as error
  // lines, `errors` of the model's own after them) and the figures.
  Batch all_ended(const std::vector<std::string>& errors = {});

 private:
  void delivered();
  Batch finish() const;

  Config c_;
  Clock::time_point start_, released_;
  std::mutex mu_;
  std::vector<TaskResult> results_;
  std::vector<char> state_;  // 0 pending, 1 completed, 2 cancelled
  std::size_t ended_ = 0, completed_ = 0, delivered_ = 0;
  Clock::time_point first_delivery_, last_delivery_;
  Clock::time_point last_due_{};  // the latest end of a completed task's wait (its start + delay)
};

std::vector<Params> grid(const Suite& s, bool workers_follow_tasks);

}  // namespace concbench::fanout
