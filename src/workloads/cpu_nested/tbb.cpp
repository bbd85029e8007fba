// cpu.nested on `tbb`: fork = task_group.run(a); b(); wait() inside the arena (work
// stealing balances the recursion).
#include <oneapi/tbb/task_group.h>

#include "models/tbb_arena.hpp"
#include "workloads/cpu_nested/cpu_nested.hpp"

namespace concbench::cpu_nested {
namespace {
struct TbbFork {
  template <class A, class B>
  void operator()(A&& a, B&& b) {
    tbb::task_group g;
    g.run(a);
    b();
    g.wait();
  }
};

const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          auto arena = std::make_unique<TbbArena>(p.get("workers"));
          const std::size_t n = elements(p);
          return make_trial<TbbArena>(std::move(arena), [n](TbbArena& arena) {
            auto v = input(n);  // made and hashed in every run, as in the reference
            std::vector<uint32_t> tmp(n);
            arena.execute([&] {
              TbbFork fork;
              merge_sort(v.data(), tmp.data(), n, fork);
            });
            return Batch{{digest(v)}, {}};
          });
        },
});
}  // namespace
}  // namespace concbench::cpu_nested
