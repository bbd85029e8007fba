// `threads_ws`: a pool of P std::threads, each with its own queue, stealing from the others
// when its own is empty: the shape of work-stealing executors (Java's ForkJoinPool, Go's and
// Tokio's schedulers). Differs from `threads` (ThreadPoolExecutor's one shared queue) only in
// where tasks wait: a task submitted from outside goes to the next worker's queue in turn,
// so the submitter contends with one worker at a time instead of all of them (a
// shared queue at 1 us tasks, dispatch:each, 16 workers: 0.33x; one queue per worker
// removes that lock from the hot path). No line is written by every task: idle workers look
// at each queue's size, not at a shared count of pending tasks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "models/tasks.hpp"

namespace concbench {

class StealingPool {
 public:
  static constexpr const char* kModel = "threads_ws";
  // Starts `workers` threads; returns once every one of them is running. REQUIRES: workers >= 1.
  explicit StealingPool(std::size_t workers);
  // Lets queued tasks finish, then joins every worker.
  ~StealingPool();
  StealingPool(const StealingPool&) = delete;
  StealingPool& operator=(const StealingPool&) = delete;

  std::size_t workers() const { return threads_.size(); }
  // Queues one task: on the calling worker's own queue, or (from outside) the next worker's.
  // REQUIRES: `task` does not throw (for_each catches for it).
  void submit(std::function<void()> task);
  // each: one submit per task; map: guided chunks claimed from one index (models/pool_dispatch.hpp).
  std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>& body,
                                    Dispatch dispatch);

 private:
  struct alignas(64) Queue {
    std::mutex mu;
    std::deque<std::function<void()>> tasks;
    std::atomic<std::size_t> size{0};  // tasks.size(), written under mu, read by idle workers
  };
  bool take(std::size_t self, std::function<void()>& task);  // own queue first, then steal
  bool any_queued() const;
  void worker_loop(std::size_t self);

  std::vector<std::unique_ptr<Queue>> queues_;
  alignas(64) std::atomic<std::size_t> next_{0};  // the queue of the next outside submit
  alignas(64) std::atomic<int> sleeping_{0};
  std::mutex sleep_mu_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace concbench
