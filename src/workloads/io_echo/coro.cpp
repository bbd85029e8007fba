// io.echo on `coro`: C coroutines on one loop, each owning one asio socket (connected during
// set-up) and doing async_write + async_read per round trip.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "models/event_loop.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench::io_echo {

using asio::ip::tcp;

Sockets::Sockets(const std::vector<asio::io_context*>& loops, const Endpoint& e, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) {
      auto& ctx = *loops[k % loops.size()];
      tcp::resolver resolver(ctx);
      tcp::socket s(ctx);
      asio::connect(s, resolver.resolve(e.host, std::to_string(e.port)));
      s.set_option(tcp::no_delay(true));
      lanes.push_back(std::move(s));
    }
}

asio::awaitable<TaskResult> async_round_trip(tcp::socket& s, std::size_t i, uint64_t delay_us) {
  const Message req = request(i, delay_us);
  Message reply{};
  const auto t0 = std::chrono::steady_clock::now();
  co_await asio::async_write(s, asio::buffer(req), asio::use_awaitable);
  co_await asio::async_read(s, asio::buffer(reply), asio::use_awaitable);
  const auto ns = std::chrono::steady_clock::now() - t0;
  co_return TaskResult{value_of(reply), uint64_t(std::chrono::nanoseconds(ns).count())};
}

namespace {
const bool registered = register_case({
    .workload = &workload(),
    .model = "coro",
    .grid = [](const Suite& s) { return grid(s, IoShape::loop); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto loop = std::make_unique<EventLoop>();
          auto server = std::make_shared<EchoService>();
          auto sockets = std::make_shared<Sockets>(std::vector{&loop->context()},
                                                   server->endpoint(), c.concurrency);
          return make_trial<EventLoop>(std::move(loop), [c, server, sockets](EventLoop& loop) {
            return run_async(loop, c.tasks, c.concurrency, [&](std::size_t i, std::size_t lane) {
              return async_round_trip(sockets->lanes[lane], i, c.delay_us);
            });
          });
        },
    .needs = [](const Params& p) { return Needs{.threads = 1, .descriptors = p.get("concurrency")}; },
});
}  // namespace
}  // namespace concbench::io_echo
