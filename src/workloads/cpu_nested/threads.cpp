// cpu.nested on `threads`: fork = submit(a) to the pool, run b here, then help: run queued
// tasks until a is done (a worker that only blocked would deadlock a pool of P threads).
#include <atomic>
#include <exception>
#include <thread>

#include "models/thread_pool.hpp"
#include "workloads/cpu_nested/cpu_nested.hpp"

namespace concbench::cpu_nested {
namespace {
struct PoolFork {
  ThreadPool& pool;
  template <class A, class B>
  void operator()(A&& a, B&& b) {
    std::atomic<bool> done{false};
    std::exception_ptr error;
    pool.submit([&] {
      try {
        a();
      } catch (...) {
        error = std::current_exception();
      }
      done.store(true, std::memory_order_release);
    });
    b();
    while (!done.load(std::memory_order_acquire))
      if (!pool.try_run_one()) std::this_thread::yield();
    if (error) std::rethrow_exception(error);
  }
};

const bool registered = register_case({
    .workload = &workload(),
    .model = "threads",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          auto pool = std::make_unique<ThreadPool>(p.get("workers"));
          const std::size_t n = elements(p);
          return make_trial<ThreadPool>(std::move(pool), [n](ThreadPool& pool) {
            auto v = input(n);  // made and hashed in every run, as in the reference
            std::vector<uint32_t> tmp(n);
            std::atomic<bool> done{false};
            pool.submit([&] {
              PoolFork fork{pool};
              try {
                merge_sort(v.data(), tmp.data(), n, fork);
              } catch (...) {
                done.store(true);
                done.notify_all();
                throw;  // recorded by the pool (take_errors)
              }
              done.store(true);
              done.notify_all();
            });
            done.wait(false);
            Batch b{{digest(v)}, pool.take_errors()};
            return b;
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_nested
