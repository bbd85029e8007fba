#include "models/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#include <latch>

#include "core/fault.hpp"
#include "core/trace.hpp"
#include "models/pool_dispatch.hpp"

namespace concbench {

namespace {

// Spinning before sleeping: a futex wake costs a few microseconds, more than a fine task.
constexpr auto kSpin = std::chrono::microseconds(50);

}  // namespace

ThreadPool::ThreadPool(std::size_t workers) {
  std::latch started{std::ptrdiff_t(workers)};
  threads_.reserve(workers);
  try {
    for (std::size_t i = 0; i < workers; ++i)
      threads_.emplace_back([this, &started] {
        trace::name_thread("threads worker");
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
  bool wake;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
    queued_.store(queue_.size(), std::memory_order_relaxed);
    wake = sleeping_ > 0;
  }
  if (wake) has_work_.notify_one();
}

bool ThreadPool::pop(std::function<void()>& task) {
  if (queue_.empty()) return false;
  task = std::move(queue_.front());
  queue_.pop_front();
  queued_.store(queue_.size(), std::memory_order_relaxed);
  return true;
}

void ThreadPool::run(std::function<void()>& task) {
  try {
    task();
  } catch (const std::exception& e) {
    std::lock_guard lock(errors_mu_);
    errors_.emplace_back(e.what());
  } catch (...) {
    std::lock_guard lock(errors_mu_);
    errors_.emplace_back("unknown exception");
  }
  task = nullptr;  // captured state is released before the task counts as finished
}

void ThreadPool::worker_loop() {
  std::function<void()> task;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (!pop(task)) {
        if (stopping_) return;
        lock.unlock();
        const auto until = std::chrono::steady_clock::now() + kSpin;
        while (queued_.load(std::memory_order_relaxed) == 0 &&
               std::chrono::steady_clock::now() < until)
          std::this_thread::yield();
        lock.lock();
        if (!pop(task)) {
          if (stopping_) return;
          ++sleeping_;
          has_work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
          --sleeping_;
          continue;
        }
      }
    }
    run(task);
  }
}

bool ThreadPool::try_run_one() {
  std::function<void()> task;
  {
    std::lock_guard lock(mu_);
    if (!pop(task)) return false;
  }
  run(task);
  return true;
}

std::vector<std::string> ThreadPool::take_errors() {
  std::lock_guard lock(errors_mu_);
  return std::exchange(errors_, {});
}

std::vector<std::string> ThreadPool::for_each(std::size_t n,
                                              const std::function<void(std::size_t)>& body,
                                              Dispatch dispatch) {
  return submit_each_or_chunks(*this, n, body, dispatch);
}

}  // namespace concbench
