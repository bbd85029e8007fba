// io.echo on `tbb`: an arena of one thread per core; C tasks (lanes), each with its own socket
// on its reactor (one reactor thread per arena thread), write a request and read the reply as asio operations while suspended
// (tbb::task::suspend): C round trips in flight on P threads.
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "core/fault.hpp"
#include "core/inflight.hpp"
#include "models/tbb_arena.hpp"
#include "workloads/io_echo/io_echo.hpp"

namespace concbench::io_echo {
namespace {

TaskResult suspended_round_trip(boost::asio::ip::tcp::socket& s, std::size_t i, uint64_t delay_us) {
  namespace asio = boost::asio;
  const Message req = request(i, delay_us);
  if (fault::skip_wait()) return {value_of(req), 0};
  Message reply{};
  boost::system::error_code error;
  inflight::Scope waiting;
  const auto t0 = std::chrono::steady_clock::now();
  if (!s.is_open()) throw_broken();
  TbbIo::suspend_until([&](std::function<void()> resume) {
    asio::async_write(s, asio::buffer(req), [&, resume](boost::system::error_code ec, std::size_t) {
      if (ec) {
        error = ec;
        return resume();
      }
      asio::async_read(s, asio::buffer(reply), [&, resume](boost::system::error_code ec2, std::size_t) {
        error = ec2;
        resume();
      });
    });
  });
  if (error) {
    boost::system::error_code ignored;
    s.close(ignored);  // as the loops' lanes (io_echo.hpp): no round trip waits on it again
    throw boost::system::system_error(error, "io.echo");
  }
  const auto ns = std::chrono::steady_clock::now() - t0;
  return {value_of(reply), uint64_t(std::chrono::nanoseconds(ns).count())};
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "tbb",
    .grid = [](const Suite& s) { return grid(s, IoShape::loops); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          // The server is forked before this trial starts any thread.
          auto server = std::make_shared<EchoService>();
          auto engine = std::make_unique<TbbIo>(p.get("workers"));
          auto sockets = std::make_shared<Sockets>(engine->reactors(),
                                                   server->endpoint(), c.concurrency);
          return make_trial<TbbIo>(std::move(engine), [c, server, sockets](TbbIo& e) {
            return run_tasks(e, c.tasks, InFlight{c.concurrency}, [&](std::size_t i, std::size_t lane) {
              return suspended_round_trip(sockets->lanes[lane], i, c.delay_us);
            });
          });
        },
    .needs = [](const Params& p) {
      return Needs{.threads = 2 * p.get("workers"), .descriptors = p.get("concurrency")};
    },
});
}  // namespace
}  // namespace concbench::io_echo
