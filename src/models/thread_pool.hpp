// `threads`: a fixed pool of P std::threads sharing one FIFO queue: the shape of Python's
// ThreadPoolExecutor. I/O inside tasks is done with blocking calls.
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

#include "models/farm.hpp"

namespace concbench {

class ThreadPool {
 public:
  // Starts `workers` threads; returns once every one of them is running.
  // REQUIRES: workers >= 1.
  explicit ThreadPool(std::size_t workers);
  // Lets queued tasks finish, then joins every worker.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t workers() const { return threads_.size(); }

  // Queues one task. An exception it throws is recorded (take_errors), never lost.
  void submit(std::function<void()> task);
  // Blocks until every task submitted so far has finished.
  void wait_all();
  // The errors recorded since the last call, in completion order.
  std::vector<std::string> take_errors();
  // Runs one queued task on the calling thread, if there is one. A task that waits for
  // subtasks calls this in its wait loop (work helping), so nested fork-join cannot deadlock.
  bool try_run_one();

  std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>& body,
                                    Grain grain = Grain::fine);

 private:
  void worker_loop();
  void run(std::function<void()>& task);

  std::mutex mu_;
  std::condition_variable has_work_;
  std::condition_variable all_done_;
  std::deque<std::function<void()>> queue_;
  std::size_t unfinished_ = 0;  // queued + running
  bool stopping_ = false;
  std::vector<std::string> errors_;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> injected_{0};  // core/fault.hpp (test builds only)
};

}  // namespace concbench
