// cpu.nested on `thread_per_task`: fork = a new thread for a (b on this thread) while fewer
// than P threads run; otherwise a and b run here, one after the other.
#include <atomic>

#include "models/thread_per_task.hpp"
#include "workloads/cpu_nested/cpu_nested.hpp"

namespace concbench::cpu_nested {
namespace {
struct ThreadFork {
  std::atomic<int64_t> spare;  // threads that may still be started
  template <class A, class B>
  void operator()(A&& a, B&& b) {
    if (spare.fetch_sub(1) > 0) {
      ThreadPerTask::invoke(a, b);
    } else {
      a();
      b();
    }
    spare.fetch_add(1);
  }
};

const bool registered = register_case({
    .workload = &workload(),
    .model = "thread_per_task",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const std::size_t n = elements(p);
          return make_trial<ThreadPerTask>(
              std::make_unique<ThreadPerTask>(p.get("workers")), [n](ThreadPerTask& engine) {
                auto v = input(n);  // made and hashed in every run, as in the reference
                std::vector<uint32_t> tmp(n);
                ThreadFork fork{int64_t(engine.workers()) - 1};
                Batch b;
                try {
                  merge_sort(v.data(), tmp.data(), n, fork);
                  b.results.push_back(digest(v));
                } catch (const std::exception& e) {
                  b.errors.push_back(e.what());
                }
                return b;
              });
        },
});
}  // namespace
}  // namespace concbench::cpu_nested
