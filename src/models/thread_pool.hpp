// `threads`: a fixed pool of P std::threads sharing one FIFO queue: the shape of Python's
// ThreadPoolExecutor. I/O inside tasks is done with blocking calls.
// How it is written: one lock per queue operation and none per completion (a batch
// counts its tasks down on an atomic that its caller waits on); idle workers spin briefly
// before they sleep, and a submit wakes a sleeper only when there is one; dispatch:map hands
// the workers chunks of the range to claim from one atomic index, as OpenMP's guided
// schedule does, instead of one queue entry per task.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "models/tasks.hpp"

namespace concbench {

class ThreadPool {
 public:
  static constexpr const char* kModel = "threads";
  // Starts `workers` threads; returns once every one of them is running.
  // REQUIRES: workers >= 1.
  explicit ThreadPool(std::size_t workers);
  // Lets queued tasks finish, then joins every worker.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t workers() const { return threads_.size(); }

  // Queues one task (one queue entry). An exception it throws is recorded (take_errors).
  void submit(std::function<void()> task);
  // Runs one queued task on the calling thread, if there is one. A task that waits for
  // subtasks calls this in its wait loop (work helping), so nested fork-join cannot deadlock.
  bool try_run_one();
  // The errors of submitted tasks recorded since the last call.
  std::vector<std::string> take_errors();

  // each: one submit per task; map: min(P, n) queue entries that claim guided chunks
  // (models/pool_dispatch.hpp). Returns when all have finished, one error line per failed task.
  std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>& body,
                                    Dispatch dispatch);

 private:
  void worker_loop();
  bool pop(std::function<void()>& task);  // REQUIRES: mu_ held by the caller's lock
  void run(std::function<void()>& task);

  std::mutex mu_;
  std::condition_variable has_work_;
  std::deque<std::function<void()>> queue_;
  std::atomic<std::size_t> queued_{0};  // queue_.size(), readable without the lock (spinning)
  std::size_t sleeping_ = 0;
  bool stopping_ = false;
  std::mutex errors_mu_;
  std::vector<std::string> errors_;
  std::vector<std::thread> threads_;
};

}  // namespace concbench
