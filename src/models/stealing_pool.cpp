#include "models/stealing_pool.hpp"

#include <chrono>
#include <latch>

#include "core/trace.hpp"
#include "models/pool_dispatch.hpp"

namespace concbench {

namespace {
// The worker this thread is, in the pool it belongs to (submits from it stay local).
thread_local const StealingPool* t_pool = nullptr;
thread_local std::size_t t_self = 0;
// Spinning before sleeping: a futex wake costs a few microseconds, more than a fine task.
constexpr auto kSpin = std::chrono::microseconds(50);
}  // namespace

StealingPool::StealingPool(std::size_t workers) {
  for (std::size_t k = 0; k < workers; ++k) queues_.push_back(std::make_unique<Queue>());
  std::latch started{std::ptrdiff_t(workers)};
  threads_.reserve(workers);
  try {
    for (std::size_t k = 0; k < workers; ++k)
      threads_.emplace_back([this, k, &started] {
        t_pool = this;
        t_self = k;
        trace::name_thread("threads_ws worker " + std::to_string(k));
        started.count_down();
        worker_loop(k);
      });
  } catch (...) {
    stopping_ = true;
    {
      std::lock_guard lock(sleep_mu_);
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
    throw;
  }
  started.wait();
}

StealingPool::~StealingPool() {
  stopping_ = true;
  {
    std::lock_guard lock(sleep_mu_);
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void StealingPool::submit(std::function<void()> task) {
  const std::size_t k = t_pool == this ? t_self
                                       : next_.fetch_add(1, std::memory_order_relaxed) % queues_.size();
  {
    Queue& q = *queues_[k];
    std::lock_guard lock(q.mu);
    q.tasks.push_back(std::move(task));
    // seq_cst, as the load of sleeping_ below and a sleeper's increment of it and its look at
    // the sizes: either this submit sees the sleeper, or the sleeper sees this task.
    q.size.store(q.tasks.size());
  }
  if (sleeping_.load() > 0) {
    std::lock_guard lock(sleep_mu_);
    wake_.notify_one();
  }
}

bool StealingPool::take(std::size_t self, std::function<void()>& task) {
  const std::size_t p = queues_.size();
  {
    Queue& own = *queues_[self];
    std::lock_guard lock(own.mu);
    if (!own.tasks.empty()) {
      task = std::move(own.tasks.front());  // oldest first: FIFO for the tasks handed to it
      own.tasks.pop_front();
      own.size.store(own.tasks.size(), std::memory_order_relaxed);
      return true;
    }
  }
  for (std::size_t d = 1; d < p; ++d) {
    Queue& victim = *queues_[(self + d) % p];
    std::unique_lock lock(victim.mu, std::try_to_lock);  // a busy queue is skipped, not waited on
    if (!lock || victim.tasks.empty()) continue;
    task = std::move(victim.tasks.back());  // the far end: the victim works from the front
    victim.tasks.pop_back();
    victim.size.store(victim.tasks.size(), std::memory_order_relaxed);
    return true;
  }
  return false;
}

bool StealingPool::any_queued() const {
  for (const auto& q : queues_)
    if (q->size.load() > 0) return true;
  return false;
}

void StealingPool::worker_loop(std::size_t self) {
  std::function<void()> task;
  for (;;) {
    if (take(self, task)) {
      task();
      task = nullptr;
      continue;
    }
    const auto until = std::chrono::steady_clock::now() + kSpin;
    while (!any_queued() && !stopping_ && std::chrono::steady_clock::now() < until)
      std::this_thread::yield();
    if (any_queued()) continue;
    std::unique_lock lock(sleep_mu_);
    sleeping_.fetch_add(1);
    wake_.wait(lock, [&] { return stopping_ || any_queued(); });
    sleeping_.fetch_sub(1);
    if (stopping_ && !any_queued()) return;
  }
}

std::vector<std::string> StealingPool::for_each(std::size_t n,
                                                const std::function<void(std::size_t)>& body,
                                                Dispatch dispatch) {
  return submit_each_or_chunks(*this, n, body, dispatch);
}

}  // namespace concbench
