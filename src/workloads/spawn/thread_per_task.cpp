// spawn on `thread_per_task`: the calling thread creates the units as std::threads; each
// waits on an atomic flag (a futex); the last to arrive wakes the caller, which opens the
// gate (notify_all) and joins them all.
#include <atomic>
#include <system_error>
#include <thread>

#include "core/fault.hpp"
#include "workloads/spawn/spawn.hpp"

namespace concbench::spawn {
namespace {

struct Threads {};

Batch run(const Config& c) {
  Batch b;
  b.results.resize(c.units);
  Timeline t;
  std::atomic<std::size_t> arrived{0};
  std::atomic<bool> open{false};
  std::vector<std::thread> threads;
  threads.reserve(c.units);
  t.start();
  std::size_t made = 0;
  try {
    for (; made < c.units; ++made)
      threads.emplace_back([&, i = made] {
        if (arrived.fetch_add(1) + 1 == c.units) arrived.notify_one();
        if (!fault::skip_wait()) open.wait(false);
        b.results[i] = {open.load() ? unit_value(i) : mix64(i), 0};
      });
  } catch (const std::system_error& e) {
    b.errors.push_back("thread " + std::to_string(made) + " could not be created: " + e.what());
  }
  if (made == c.units)
    for (std::size_t a; (a = arrived.load()) < c.units;) arrived.wait(a);
  t.all_waiting();
  t.sample_rss();
  t.opening();
  open.store(true);
  open.notify_all();
  for (auto& th : threads) th.join();
  t.done();
  t.add_figures(b, c.units);
  return b;
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "thread_per_task",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<Threads>(std::make_unique<Threads>(), [c](Threads&) { return run(c); });
        },
    .needs =
        [](const Params& p) {
          const auto n = int64_t(config(p).units);
          return Needs{.threads = n, .maps = 2 * n};  // a stack and its guard page each
        },
});

}  // namespace
}  // namespace concbench::spawn
