// fanout on `coro`: K coroutines co_spawned on one loop, each awaiting its timer; each has a
// cancellation slot (asio::bind_cancellation_slot), and wait:first emits a terminal
// cancellation on every other one when the first completes (what asyncio's cancel() does).
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/fault.hpp"
#include "models/event_loop.hpp"
#include "workloads/fanout/fanout.hpp"

namespace concbench::fanout {
namespace {

using Clock = std::chrono::steady_clock;
enum Ended { cancelled = 0, completed = 1, first_completed = 2 };

asio::awaitable<int> task(std::size_t i, Config c, Outcome& o) {
  const auto t0 = Clock::now();
  boost::system::error_code ec;
  if (!fault::skip_wait()) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay(i, c));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  const bool done = !ec;
  const bool first = o.ended(i, Clock::now() - t0, done);
  co_return first ? first_completed : done ? completed : cancelled;
}

Batch run(EventLoop& loop, const Config& c) {
  Outcome o(c);
  std::vector<std::string> errors;
  loop.run([&]() -> asio::awaitable<void> {
    const auto ex = co_await asio::this_coro::executor;
    std::vector<asio::cancellation_signal> signals(c.tasks);
    asio::steady_timer all_ended(ex, asio::steady_timer::time_point::max());
    std::size_t ended = 0;
    o.start();
    for (std::size_t i = 0; i < c.tasks; ++i)
      asio::co_spawn(ex, task(i, c, o),
                     asio::bind_cancellation_slot(signals[i].slot(), [&, i](std::exception_ptr e, int how) {
                       if (e) errors.push_back("task " + std::to_string(i) + " failed");
                       o.consume(how != cancelled, how == first_completed);
                       if (c.wait == Wait::first && how == first_completed && !fault::skip_cancel())
                         for (std::size_t j = 0; j < c.tasks; ++j)
                           if (j != i) signals[j].emit(asio::cancellation_type::terminal);
                       if (++ended == c.tasks) all_ended.cancel();
                     }));
    boost::system::error_code ec;
    if (ended < c.tasks) co_await all_ended.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  });
  return o.all_ended(errors);
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, false); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<EventLoop>(std::make_unique<EventLoop>(),
                                       [c](EventLoop& loop) { return run(loop, c); });
        },
});

}  // namespace
}  // namespace concbench::fanout
