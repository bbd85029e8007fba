// spawn on `tbb`: a driver task in an arena of one slot per core runs the units with
// task_group::run; each unit suspends itself (tbb::task::suspend: its stack is kept, its
// thread runs the next task). The driver suspends too until the last unit has arrived, then
// opens the gate by resuming every unit.
#include <atomic>

#include <oneapi/tbb/task.h>
#include <oneapi/tbb/task_group.h>

#include "core/fault.hpp"
#include "core/system.hpp"
#include "models/tbb_arena.hpp"
#include "workloads/spawn/spawn.hpp"

namespace concbench::spawn {
namespace {

Batch run(TbbArena& arena, const Config& c) {
  Batch b;
  b.results.resize(c.units);
  Timeline t;
  std::vector<tbb::task::suspend_point> points(c.units);
  std::vector<char> suspended(c.units, 0);
  std::atomic<std::size_t> pending{c.units + 1};  // the units' arrivals and the driver's
  tbb::task::suspend_point driver_point{};
  std::atomic<bool> open{false};
  auto arrive = [&] {
    if (pending.fetch_sub(1) == 1) tbb::task::resume(driver_point);
  };
  arena.execute([&] {
    tbb::task_group group;
    group.run([&] {
      t.start();
      for (std::size_t i = 0; i < c.units; ++i)
        group.run([&, i] {
          if (fault::skip_wait()) {
            arrive();
          } else {
            tbb::task::suspend([&, i](tbb::task::suspend_point sp) {
              points[i] = sp;
              suspended[i] = 1;
              arrive();
            });
          }
          b.results[i] = {open.load() ? unit_value(i) : mix64(i), 0};
        });
      tbb::task::suspend([&](tbb::task::suspend_point sp) {
        driver_point = sp;
        arrive();
      });
      t.all_waiting();
      t.sample_rss();
      t.opening();
      open.store(true);
      for (std::size_t i = 0; i < c.units; ++i)
        if (suspended[i]) tbb::task::resume(points[i]);
    });
    group.wait();
  });
  t.done();
  t.add_figures(b, c.units);
  return b;
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbArena>(std::make_unique<TbbArena>(std::size_t(available_cores())),
                                      [c](TbbArena& arena) { return run(arena, c); });
        },
    .needs =
        [](const Params& p) {
          const auto n = int64_t(config(p).units);
          return Needs{.threads = available_cores(), .maps = 2 * n};  // a stack per suspended task
        },
});

}  // namespace
}  // namespace concbench::spawn
