// spawn on `coro`: a driver coroutine co_spawns the units on its loop; each awaits the gate,
// an asio timer that never expires and is cancelled to open it (asio's event). The last unit
// to arrive wakes the driver the same way.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/fault.hpp"
#include "models/event_loop.hpp"
#include "workloads/spawn/spawn.hpp"

namespace concbench::spawn {
namespace {

using Timer = asio::steady_timer;

struct Run {
  explicit Run(asio::any_io_executor ex, std::size_t n)
      : units(n), gate(ex, Timer::time_point::max()), woken(ex, Timer::time_point::max()),
        finished_all(ex, Timer::time_point::max()) {
    batch.results.resize(n);
  }
  std::size_t units;
  Timer gate, woken, finished_all;
  std::size_t arrived = 0, finished = 0;
  bool open = false;
  Batch batch;
};

asio::awaitable<void> unit(std::size_t i, Run& r) {
  if (++r.arrived == r.units) r.woken.cancel();
  if (!fault::skip_wait()) {
    boost::system::error_code ec;  // operation_aborted: the gate opened
    co_await r.gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  r.batch.results[i] = {r.open ? unit_value(i) : mix64(i), 0};
}

asio::awaitable<void> driver(Run& r, Timeline& t) {
  const auto ex = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  t.start();
  for (std::size_t i = 0; i < r.units; ++i)
    asio::co_spawn(ex, unit(i, r), [&r, i](std::exception_ptr e) {
      if (e) r.batch.errors.push_back("unit " + std::to_string(i) + " failed");
      if (++r.finished == r.units) r.finished_all.cancel();
    });
  if (r.arrived < r.units) co_await r.woken.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  t.all_waiting();
  t.sample_rss();
  t.opening();
  r.open = true;
  r.gate.cancel();
  if (r.finished < r.units)
    co_await r.finished_all.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  t.done();
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(), [c](EventLoop& loop) {
            Run r(loop.context().get_executor(), c.units);
            Timeline t;
            loop.run([&]() -> asio::awaitable<void> { return driver(r, t); });
            t.add_figures(r.batch, c.units);
            return std::move(r.batch);
          });
        },
    .needs = [](const Params&) { return Needs{}; },
});

}  // namespace
}  // namespace concbench::spawn
