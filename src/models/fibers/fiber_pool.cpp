#include "models/fibers/fiber_pool.hpp"

#include <latch>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/fiber/algo/work_stealing.hpp>
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/fixedsize_stack.hpp>
#include <boost/fiber/operations.hpp>

namespace concbench {

struct FiberPool::Threads {
  explicit Threads(std::size_t workers) {
    // work_stealing's constructor waits until all `workers` threads have made one.
    std::latch started(std::ptrdiff_t(workers) + 1);
    for (std::size_t k = 0; k < workers; ++k)
      threads.emplace_back([this, workers, &started] {
        boost::fibers::use_scheduling_algorithm<boost::fibers::algo::work_stealing>(
            uint32_t(workers), /*suspend=*/true);  // an idle thread sleeps, not spins
        started.count_down();
        std::function<void()> task;
        // pop() parks this thread's main fiber while the channel is empty: the thread runs
        // its other fibers (the waiting ones, as they wake) and steals meanwhile.
        while (channel.pop(task) == boost::fibers::channel_op_status::success)
          boost::fibers::fiber(boost::fibers::launch::dispatch, std::allocator_arg,
                               boost::fibers::fixedsize_stack(kStackBytes), std::move(task))
              .detach();
      });
    started.arrive_and_wait();
    for (auto& t : threads) t.detach();  // they live as long as the process
  }
  boost::fibers::buffered_channel<std::function<void()>> channel{1024};
  std::vector<std::thread> threads;
};

FiberPool::FiberPool(std::size_t workers) {
  static std::mutex mu;
  static Threads* process_pool = nullptr;
  std::lock_guard lock(mu);
  if (process_pool == nullptr) process_pool = new Threads(workers);
  if (process_pool->threads.size() != workers)
    throw std::logic_error("fibers: this process's work-stealing pool has " +
                           std::to_string(process_pool->threads.size()) + " threads, not " +
                           std::to_string(workers) +
                           " (Boost.Fiber's work_stealing is set up once per process)");
  threads_ = process_pool;
}

std::size_t FiberPool::workers() const { return threads_->threads.size(); }

void FiberPool::submit(std::function<void()> task) { threads_->channel.push(std::move(task)); }

std::vector<std::string> FiberPool::spawn(std::size_t k, const std::function<void(std::size_t)>& body) {
  struct Run {
    const std::function<void(std::size_t)>& body;
    std::atomic<std::size_t> left;
    std::mutex mu;
    std::vector<std::string> errors;
    void one(std::size_t i) noexcept {
      try {
        body(i);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        errors.emplace_back(e.what());
      }
      if (left.fetch_sub(1, std::memory_order_acq_rel) == 1) left.notify_all();
    }
  } run{body, k, {}, {}};
  if (k == 0) return {};
  const std::size_t starters = std::min(k, workers());
  for (std::size_t s = 0; s < starters; ++s)
    submit([&run, s, starters, k] {
      // launch::post: the new fibers wait in this thread's ready queue, where idle threads
      // steal them, while this starter goes on launching.
      for (std::size_t i = s; i < k; i += starters)
        boost::fibers::fiber(boost::fibers::launch::post, std::allocator_arg,
                             boost::fibers::fixedsize_stack(kStackBytes), [&run, i] { run.one(i); })
            .detach();
    });
  for (std::size_t v; (v = run.left.load(std::memory_order_acquire)) != 0;)
    run.left.wait(v, std::memory_order_acquire);
  return std::move(run.errors);
}

}  // namespace concbench
