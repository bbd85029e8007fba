#include "workloads/io_echo/io_echo.hpp"

#include "models/engines.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <optional>
#include <system_error>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/fault.hpp"
#include "core/inflight.hpp"

namespace concbench::io_echo {

Config config(const Params& p) {
  const auto c = p.get("concurrency");
  const auto delay_us = uint64_t(p.get("latency_us"));
  if (delay_us > UINT32_MAX)  // 71 minutes: no grid's; as the Python arm's to_bytes(4) refuses
    throw std::invalid_argument("io.echo: a delay of 2^32 us or more does not fit a request");
  return {std::size_t(p.get_or("tasks", std::max<int64_t>(8 * c, 2000))), std::size_t(c), delay_us};
}

Message request(std::size_t i, uint64_t delay_us) {
  Message m{};
  const uint32_t delay = uint32_t(delay_us);  // config() refuses what does not fit
  std::memcpy(m.data(), EchoServer::kTag, 4);
  std::memcpy(m.data() + 4, &delay, 4);
  const uint64_t idx = i;
  std::memcpy(m.data() + 8, &idx, 8);
  for (std::size_t k = 16; k < m.size(); k += 8) {
    const uint64_t v = mix64(i * 7 + k);
    std::memcpy(m.data() + k, &v, 8);
  }
  return m;
}

uint64_t value_of(const Message& reply) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : reply) h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
  return h;
}

const Workload& workload() {
  static const Workload w{
      .name = "io.echo",
      .kind = Kind::io,
      .reference = unprepared([](const Params& p) {
            const Config c = config(p);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i)
              b.results[i].value = value_of(request(i, c.delay_us));
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .bytes = {},
      .ideal_seconds =
          [](const Params& p, int) {
            const Config c = config(p);  // 0 (no limit) when the server does not wait
            if (EchoService::external_endpoint()) return 0.0;  // it may ignore the delay
            return std::ceil(double(c.tasks) / double(c.concurrency)) * double(c.delay_us) * 1e-6;
          },
      .in_flight = [](const Params& p) { return p.get("concurrency"); },
      .wait_floor_us = [](const Params& p) -> int64_t {
        return EchoService::external_endpoint() ? 0 : int64_t(config(p).delay_us);
      },
  };
  return w;
}

namespace {
[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "io.echo: " + what);
}
}  // namespace

Connection::Connection(const Endpoint& e) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (const int rc = getaddrinfo(e.host.c_str(), std::to_string(e.port).c_str(), &hints, &res))
    throw std::runtime_error("io.echo: cannot resolve " + e.str() + ": " + gai_strerror(rc));
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd_ = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd_ < 0) continue;
    if (connect(fd_, a->ai_addr, a->ai_addrlen) == 0) break;
    close(fd_);
    fd_ = -1;
  }
  freeaddrinfo(res);
  if (fd_ < 0) fail("cannot connect to " + e.str());
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

TaskResult Connection::round_trip(std::size_t i, uint64_t delay_us) {
  const Message req = request(i, delay_us);
  if (fault::skip_wait()) return {value_of(req), 0};  // the reply an echo would give
  Message reply{};
  inflight::Scope waiting;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t sent = 0; sent < req.size();) {
    const ssize_t n = send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("send");
    sent += std::size_t(n);
  }
  for (std::size_t got = 0; got < reply.size();) {
    const ssize_t n = recv(fd_, reply.data() + got, reply.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) throw std::runtime_error("io.echo: server closed the connection");
    if (n < 0) fail("recv");
    got += std::size_t(n);
  }
  const auto ns = std::chrono::steady_clock::now() - t0;
  return {value_of(reply), uint64_t(std::chrono::nanoseconds(ns).count())};
}

ConnectionPool::ConnectionPool(const Endpoint& e, std::size_t size) {
  all_.reserve(size);
  for (std::size_t k = 0; k < size; ++k) all_.emplace_back(e);
  for (auto& c : all_) free_.push_back(&c);
}

TaskResult ConnectionPool::round_trip(std::size_t i, uint64_t delay_us) {
  Connection* c;
  {
    std::lock_guard lock(mu_);
    if (free_.empty()) throw std::logic_error("io.echo: more tasks in flight than connections");
    c = free_.back();
    free_.pop_back();
  }
  struct Return {
    ConnectionPool* pool;
    Connection* c;
    ~Return() {
      std::lock_guard lock(pool->mu_);
      pool->free_.push_back(c);
    }
  } give_back{this, c};
  return c->round_trip(i, delay_us);
}

Connection& process_connection(const Endpoint& e) {
  static std::optional<Connection> conn;  // one per worker process (the parent never opens it)
  if (!conn) conn.emplace(e);
  return *conn;
}

std::vector<Params> grid(const Suite& s, IoShape shape) {
  std::vector<Params> points;
  if (s.quick()) {
    points.push_back({{"concurrency", 10}, {"latency_us", 0}});
    points.push_back({{"concurrency", 100}, {"latency_us", 1000}});
  } else {
    for (int64_t c : {1, 10, 100, 1000})
      for (int64_t l : {0, 1000}) points.push_back({{"concurrency", c}, {"latency_us", l}});
  }
  if (const Params* at = s.at_for("io.echo")) points = {*at};
  return io_points(s, shape, points);
}

// ---- the loops' sockets and round trip (coro, coro_mt) ----

namespace asio = boost::asio;
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

void throw_broken() {
  throw std::runtime_error("io.echo: its connection was closed after an error on an earlier round trip");
}

asio::awaitable<TaskResult> async_round_trip(tcp::socket& s, std::size_t i, uint64_t delay_us) {
  const Message req = request(i, delay_us);
  if (fault::skip_wait()) co_return TaskResult{value_of(req), 0};
  Message reply{};
  inflight::Scope waiting;
  const auto t0 = std::chrono::steady_clock::now();
  if (!s.is_open()) throw_broken();
  try {
    co_await asio::async_write(s, asio::buffer(req), asio::use_awaitable);
    co_await asio::async_read(s, asio::buffer(reply), asio::use_awaitable);
  } catch (const boost::system::system_error&) {
    boost::system::error_code ignored;
    s.close(ignored);
    throw;
  }
  const auto ns = std::chrono::steady_clock::now() - t0;
  co_return TaskResult{value_of(reply), uint64_t(std::chrono::nanoseconds(ns).count())};
}

namespace {
std::vector<Params> loop_grid(const Suite& s, std::string_view model) { return grid(s, loop_shape(model)); }
std::vector<Params> blocking_grid(const Suite& s, std::string_view) { return grid(s, IoShape::blocking); }
Needs loop_needs(const std::string&, const Params& p) {
  return Needs{.threads = p.get_or("workers", 1), .descriptors = p.get("concurrency")};
}
Needs one_connection_each(const std::string& model, const Params& p) { return model_needs(model, p, 1); }
// The server is forked before the engine starts any thread; the sockets are made on its loops.
auto on_loops(const Params& p) {
  const Config c = config(p);
  auto server = std::make_shared<EchoService>();
  return [c, server](const std::vector<asio::io_context*>& loops) {
    auto sockets = std::make_shared<Sockets>(loops, server->endpoint(), c.concurrency);
    return LoopTasks{c.tasks, c.concurrency, [c, server, sockets](std::size_t i, std::size_t lane) {
                       return async_round_trip(sockets->lanes[lane], i, c.delay_us);
                     }};
  };
}
// In a worker process (procs), each worker's own blocking connection, opened once before the
// timed runs; else C connections that workers borrow.
TaskList<std::function<TaskResult(std::size_t)>> blocking_list(const Params& p, std::string_view model) {
  const Config c = config(p);
  auto server = std::make_shared<EchoService>();
  const Endpoint at = server->endpoint();
  if (model_kind(model)->workers == "processes")
    return {c.tasks, nullptr, nullptr, [at] { process_connection(at); },
            [c, at, server](std::size_t i) { return process_connection(at).round_trip(i, c.delay_us); }};
  auto conns = std::make_shared<ConnectionPool>(at, c.concurrency);
  return {c.tasks, [c, server, conns](std::size_t i) { return conns->round_trip(i, c.delay_us); }};
}
// C coroutines, each owning one asio socket (connected during set-up) and doing async_write +
// async_read per round trip, on every loop model.
const bool on_loops_registered = register_on_loops(workload(), loop_grid, on_loops, {.needs = loop_needs});
// Each task a blocking round trip on a worker (procs: one per message); threads_ws left out as
// in io.sleep.
const bool blocking_registered = register_on_engines(
    workload(), blocking_grid, blocking_list,
    {.blocking = true, .without = {"threads_ws"}, .processes = true, .depth = 1,
     .when = Prepared::before_engine, .needs = one_connection_each});
}  // namespace

}  // namespace concbench::io_echo
