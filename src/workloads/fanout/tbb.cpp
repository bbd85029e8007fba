// fanout on `tbb`: K tasks of a task_group in an arena of one thread per core, each
// suspended on a timer of its reactor (tbb::task::suspend); the first to complete under
// wait:first cancels the others' timers on their reactors, which resume them; wait:each
// handles each result in the completing task (its continuation); wait:all after wait().
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/fault.hpp"
#include "core/system.hpp"
#include "models/tbb_arena.hpp"
#include "workloads/fanout/fanout.hpp"

namespace concbench::fanout {
namespace {

using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

// Per task: its reactor and timer once armed, and whether it was cancelled before.
struct Slots {
  explicit Slots(std::size_t n) : reactor(n, nullptr), timer(n, nullptr), cancel(n, 0) {}
  std::mutex mu;
  std::vector<asio::io_context*> reactor;
  std::vector<asio::steady_timer*> timer;
  std::vector<char> cancel;
};

Batch run(TbbIo& e, const Config& c) {
  Outcome o(c);
  Slots s(c.tasks);
  auto cancel = [&](std::size_t j) {
    asio::io_context* io;
    {
      std::lock_guard lock(s.mu);
      s.cancel[j] = 1;
      io = s.reactor[j];
    }
    if (io)  // armed: its timer lives on its reactor
      asio::post(*io, [&, j] {
        std::lock_guard lock(s.mu);
        if (s.timer[j]) s.timer[j]->cancel();
      });
  };
  o.start();
  Batch b = run_tasks(e, c.tasks, InFlight{c.tasks}, [&](std::size_t i, std::size_t lane) {
    asio::io_context& io = e.reactor(lane);
    const auto t0 = Clock::now();
    bool done = true;
    if (!fault::skip_wait()) {
      asio::steady_timer timer(io);
      boost::system::error_code ec;
      TbbIo::suspend_until([&](std::function<void()> resume) {
        asio::post(io, [&, resume] {
          std::unique_lock lock(s.mu);
          if (s.cancel[i]) {
            ec = asio::error::operation_aborted;
            lock.unlock();
            resume();
            return;
          }
          s.reactor[i] = &io;
          s.timer[i] = &timer;
          timer.expires_after(delay(i, c));
          timer.async_wait([&, resume](const boost::system::error_code& err) {
            {
              std::lock_guard lock2(s.mu);
              s.timer[i] = nullptr;
            }
            ec = err;
            resume();
          });
        });
      });
      done = !ec;
    }
    const bool first = o.ended(i, Clock::now() - t0, done);
    o.consume(done, first);
    if (c.wait == Wait::first && first && !fault::skip_cancel())
      for (std::size_t j = 0; j < c.tasks; ++j)
        if (j != i) cancel(j);
    return TaskResult{};
  });
  return o.all_ended(b.errors);
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<TbbIo>(std::make_unique<TbbIo>(std::size_t(available_cores())),
                                           [c](TbbIo& e) { return run(e, c); });
        },
    .needs =
        [](const Params& p) {
          return Needs{.threads = 2 * available_cores(), .maps = 2 * int64_t(config(p).tasks)};
        },
});

}  // namespace
}  // namespace concbench::fanout
