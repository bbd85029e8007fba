// fanout on `threads`: K tasks on a pool of K workers (ThreadPoolExecutor(max_workers=K)),
// each waiting on a condition variable until its deadline or a stop request (std::stop_token:
// a blocked thread cannot be cancelled, only asked); each ending goes to a completion queue
// that the caller reads in completion order (as_completed). wait:first requests the stop.
#include <condition_variable>
#include <deque>
#include <stop_token>

#include "core/fault.hpp"
#include "models/thread_pool.hpp"
#include "workloads/fanout/fanout.hpp"

namespace concbench::fanout {
namespace {

using Clock = std::chrono::steady_clock;

Batch run(ThreadPool& pool, const Config& c) {
  Outcome o(c);
  std::stop_source stop;
  std::mutex wait_mu;
  std::condition_variable_any wait_cv;
  std::mutex q_mu;
  std::condition_variable q_cv;
  std::deque<std::pair<std::size_t, int>> ended;  // (task, 0 cancelled / 1 done / 2 first)
  o.start();
  for (std::size_t i = 0; i < c.tasks; ++i)
    pool.submit([&, i] {
      const auto t0 = Clock::now();
      const auto deadline = t0 + delay(i, c);
      if (!fault::skip_wait()) {
        std::unique_lock lock(wait_mu);
        wait_cv.wait_until(lock, stop.get_token(), deadline, [] { return false; });
      }
      // A stop requested before the task runs again wins, as asyncio's cancel() does: a
      // worker held off the CPU past its deadline after the request was still cancelled.
      const bool done = fault::skip_wait() || (!stop.stop_requested() && Clock::now() >= deadline);
      const int how = o.ended(i, Clock::now() - t0, done) ? 2 : done ? 1 : 0;
      // Notified under the lock: once the caller has taken the last ending it returns and
      // destroys the queue and its condition variable, so no worker may still be notifying.
      std::lock_guard lock(q_mu);
      ended.emplace_back(i, how);
      q_cv.notify_one();
    });
  for (std::size_t seen = 0; seen < c.tasks; ++seen) {
    std::unique_lock lock(q_mu);
    q_cv.wait(lock, [&] { return !ended.empty(); });
    const auto [i, how] = ended.front();
    ended.pop_front();
    lock.unlock();
    o.consume(how != 0, how == 2);
    if (c.wait == Wait::first && how == 2 && !fault::skip_cancel()) stop.request_stop();
  }
  return o.all_ended();
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<ThreadPool>(make_engine<ThreadPool>(p),
                                        [c](ThreadPool& pool) { return run(pool, c); });
        },
});

}  // namespace
}  // namespace concbench::fanout
