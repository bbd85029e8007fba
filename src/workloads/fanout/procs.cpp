// fanout on `procs`: K tasks on a pool of K pre-forked worker processes
// (ProcessPoolExecutor(max_workers=K)), one task per worker, each sleeping its delay; the
// replies come back in completion order (as_completed). wait:first cancels the rest as a
// process pool can: what is not yet sent never is, and each worker still running a task is
// killed and reaped (a process cannot be asked to stop its wait, only stopped), then
// replaced; the cancelled tasks have released what they held once their workers are reaped.
#include <time.h>

#include <cstring>

#include "core/fault.hpp"
#include "models/process_pool.hpp"
#include "workloads/fanout/fanout.hpp"

namespace concbench::fanout {
namespace {

using Clock = Outcome::Clock;

// In the worker: task i's wait, measured there (steady_clock is CLOCK_MONOTONIC, one clock for
// every process): its length, and when it ended.
struct Waited {
  int64_t waited_ns, ended_ns;
};

ProcessPool::Handler handler(const Config& c) {
  return [c](std::string_view payload) {
    uint64_t i = 0;
    if (payload.size() != sizeof i) throw std::runtime_error("fanout: malformed task message");
    std::memcpy(&i, payload.data(), sizeof i);
    const auto t0 = Clock::now();
    if (!fault::skip_wait()) {
      const auto d = delay(std::size_t(i), c);
      timespec ts{time_t(d.count() / 1000000), long(d.count() % 1000000) * 1000};
      while (nanosleep(&ts, &ts) != 0) {
      }
    }
    const auto t1 = Clock::now();
    const Waited w{(t1 - t0).count(), t1.time_since_epoch().count()};
    return std::string(reinterpret_cast<const char*>(&w), sizeof w);
  };
}

Batch run(ProcessPool& pool, const Config& c) {
  Outcome o(c);
  std::vector<uint64_t> index(c.tasks);
  std::vector<std::string_view> payloads;
  for (std::size_t i = 0; i < c.tasks; ++i) {
    index[i] = i;
    payloads.emplace_back(reinterpret_cast<const char*>(&index[i]), sizeof(uint64_t));
  }
  std::vector<std::string> errors;
  o.start();
  pool.run_each(payloads, [&](std::size_t i, Reply& r) {
    if (!r.ok && r.data == "cancelled") {
      o.ended(i, std::chrono::nanoseconds(0), false);  // its worker reaped: released now
      o.consume(false, false);
      return false;
    }
    Waited w{};
    if (!r.ok || r.data.size() != sizeof w) {
      errors.push_back("task " + std::to_string(i) + ": " + (r.ok ? "malformed reply" : r.data));
      o.ended(i, std::chrono::nanoseconds(0), false);
      o.consume(false, false);
      return false;
    }
    std::memcpy(&w, r.data.data(), sizeof w);
    const bool first = o.ended(i, std::chrono::nanoseconds(w.waited_ns), true,
                               Clock::time_point(Clock::duration(w.ended_ns)));
    o.consume(true, first);
    return c.wait == Wait::first && first && !fault::skip_cancel();
  });
  return o.all_ended(errors);
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "procs",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto pool = std::make_unique<ProcessPool>(std::size_t(p.get("workers")), handler(c));
          return make_trial<ProcessPool>(std::move(pool), [c](ProcessPool& pool) { return run(pool, c); });
        },
});

}  // namespace
}  // namespace concbench::fanout
