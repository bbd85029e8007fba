// http (docs/questions.md question 8; closed loop): N GET requests over HTTP/1.1 keep-alive
// connections, C in flight, each answered by the embedded HTTP server (servers/http_server.hpp,
// its own process) after delay_us with body_bytes of the item's content; every body checked.
// Clients: coro, an async Boost.Beast client on the loop, one connection per lane; threads,
// tbb_blocking and procs, blocking Beast clients, one connection per worker (C workers). A
// closed loop: each connection sends its next request when its answer came (wrk's shape);
// with `rate`, an open loop (Schedule below). From a sweep of rates the report reads each
// model's capacity under a latency target: the highest rate whose p99 stays under it.
// Params: [workers], concurrency, delay_us, body_bytes, [rate]; tasks (optional, default
// 8 C, >= 2000). Limit: ideal makespan = max(ceil(N / C) x delay_us, the schedule's span).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "core/case.hpp"
#include "models/kinds.hpp"
#include "models/tasks.hpp"
#include "core/schedule.hpp"
#include "servers/http_server.hpp"
#include "workloads/io_grid.hpp"

namespace concbench::http {

const Workload& workload();

struct Config {
  std::size_t tasks;
  std::size_t concurrency;
  uint64_t delay_us;
  std::size_t body_bytes;
  int64_t rate;  // open loop: requests per second on a Poisson schedule; 0: closed loop
};
Config config(const Params& p);

// An external server's (--http-url) body, fetched once; every answer must equal it.
const std::string& external_body();
// The body request i must get, and the path it asks for.
std::string expected_body(std::size_t i, const Config& c);
std::string target(std::size_t i, const Config& c);

// The value a good answer to request i contributes: a digest of its body.
uint64_t value_of(std::string_view body);
// The delay request i asks of the server (0 when the test breaks the waits).
uint64_t asked_delay(const Config& c);

// A connection's life, as HTTP clients keep it (wrk, aiohttp, requests): kept alive while the
// server keeps it; closed when an answer says "Connection: close" (nginx does after 1,000
// requests on one connection), and opened again for the next request, inside that request's
// time; closed for good after a transport error: every later request on it fails at once
// with that error, never waits on a dead socket (Asio's reactor never wakes a write queued
// behind two failed ones on a socket whose hang-up it has already reported: asio#1664).
class Keeper {
 public:
  // Throws the error that broke `s`, if one did; true if the server closed it (open it again).
  bool must_reopen(const boost::asio::ip::tcp::socket& s) const;
  // A transport error on `s`: closed for good.
  void broken(boost::asio::ip::tcp::socket& s, const std::exception& e);
  // An answer came on `s`: closed if the server closes it too (Connection: close).
  static void answered(boost::asio::ip::tcp::socket& s, bool keep_alive);

 private:
  std::string error_;
};

// A blocking keep-alive connection (TCP_NODELAY) with its own buffer.
class Connection {
 public:
  explicit Connection(const Endpoint& e);
  // One blocking GET, sent when request i is due; throws on a transport error, a status
  // other than 200 or a short body. Its latency counts from when it was due.
  TaskResult get(std::size_t i, const Config& c, const Schedule& s);

 private:
  void open();
  boost::asio::io_context io_;
  boost::asio::ip::tcp::endpoint at_;
  boost::asio::ip::tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
  Keeper keeper_;
};

// C connections opened up front; a task borrows one.
using ConnectionPool = BorrowPool<Connection>;

// The connection of the current worker process (procs): opened on first use.
Connection& process_connection(const Endpoint& e);

// The loop's side: one connected socket and buffer per lane, and one async GET.
struct Lanes {
  Lanes(boost::asio::io_context& loop, const Endpoint& e, std::size_t n);
  boost::asio::ip::tcp::endpoint at;
  std::vector<boost::asio::ip::tcp::socket> sockets;
  std::vector<boost::beast::flat_buffer> buffers;
  std::vector<Keeper> keepers;
};
boost::asio::awaitable<TaskResult> async_get(Lanes& lanes, std::size_t lane, std::size_t i,
                                             Config c, const Schedule& s);

std::vector<Params> grid(const Suite& s, IoShape shape);

}  // namespace concbench::http
