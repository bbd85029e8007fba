#include "models/thread_pool.hpp"

#include <latch>

#include "core/fault.hpp"

namespace concbench {

ThreadPool::ThreadPool(std::size_t workers) {
  std::latch started{std::ptrdiff_t(workers)};
  threads_.reserve(workers);
  try {
    for (std::size_t i = 0; i < workers; ++i)
      threads_.emplace_back([this, &started] {
        started.count_down();
        worker_loop();
      });
  } catch (...) {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    has_work_.notify_all();
    for (auto& t : threads_) t.join();
    throw;
  }
  started.wait();
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  has_work_.notify_all();
  for (auto& t : threads_) t.join();
}

void ThreadPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
    ++unfinished_;
  }
  has_work_.notify_one();
}

void ThreadPool::run(std::function<void()>& task) {
  std::string error;
  try {
    task();
    if (fault::repeat_task("threads", injected_)) task();
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  task = nullptr;  // captured state is released before the task counts as finished
  std::lock_guard lock(mu_);
  if (!error.empty()) errors_.push_back(std::move(error));
  if (--unfinished_ == 0) all_done_.notify_all();
}

void ThreadPool::worker_loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      has_work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and the queue is drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    run(task);
  }
}

bool ThreadPool::try_run_one() {
  std::function<void()> task;
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return false;
    task = std::move(queue_.front());
    queue_.pop_front();
  }
  run(task);
  return true;
}

void ThreadPool::wait_all() {
  std::unique_lock lock(mu_);
  all_done_.wait(lock, [&] { return unfinished_ == 0; });
}

std::vector<std::string> ThreadPool::take_errors() {
  std::lock_guard lock(mu_);
  return std::exchange(errors_, {});
}

std::vector<std::string> ThreadPool::for_each(std::size_t n,
                                              const std::function<void(std::size_t)>& body,
                                              Grain) {
  // One lock for the whole submission: the queue is the pool's, the batching is not.
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < n; ++i) queue_.emplace_back([&body, i] { body(i); });
    unfinished_ += n;
  }
  has_work_.notify_all();
  wait_all();
  return take_errors();
}

}  // namespace concbench
