// io.echo: N request/response round trips of 64 bytes over loopback TCP with C connections
// in flight, against the embedded echo server (a separate process; or --echo-server), which
// waits latency_us before each reply. Loops use asio sockets; blocking models take a
// connection from a pool of C connections and do a blocking write + read.
// Params: [workers], concurrency, latency_us (server-side delay); tasks (optional).
// Limit (latency_us > 0): ideal makespan = ceil(N / C) x latency.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/case.hpp"
#include "servers/echo_server.hpp"
#include "workloads/io_grid.hpp"

namespace concbench::io_echo {

const Workload& workload();

struct Config {
  std::size_t tasks;
  std::size_t concurrency;
  uint64_t delay_us;
};
Config config(const Params& p);

using Message = std::array<char, EchoServer::kMessageBytes>;
// Request i: the delay, the index, and bytes derived from the index.
Message request(std::size_t i, uint64_t delay_us);
// The value a reply contributes to the checksum: a hash of all its bytes.
uint64_t value_of(const Message& reply);

// A blocking TCP connection (TCP_NODELAY). Throws std::system_error on failure.
class Connection {
 public:
  explicit Connection(const Endpoint& e);
  ~Connection();
  Connection(Connection&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Connection(const Connection&) = delete;
  // One blocking round trip; returns the task's result with its latency.
  TaskResult round_trip(std::size_t i, uint64_t delay_us);

 private:
  int fd_ = -1;
};

// C connections opened up front; a task borrows one for its round trip.
class ConnectionPool {
 public:
  ConnectionPool(const Endpoint& e, std::size_t size);
  TaskResult round_trip(std::size_t i, uint64_t delay_us);

 private:
  std::mutex mu_;
  std::vector<Connection> all_;
  std::vector<Connection*> free_;
};

// The blocking connection of the current worker process (procs): opened on first use.
Connection& process_connection(const Endpoint& e);

// For the loop models (defined in coro.cpp): one connected asio socket per lane, lane k on
// loops[k % loops.size()], and one async round trip.
struct Sockets {
  std::vector<boost::asio::ip::tcp::socket> lanes;
  Sockets(const std::vector<boost::asio::io_context*>& loops, const Endpoint& e, std::size_t n);
};
// A lane's socket is closed at its first error, and every later round trip on it fails at
// once: Asio's reactor never wakes a write queued behind two failed ones on a socket whose
// hang-up it has already reported (asio#1664), so a dead server would hang the run.
boost::asio::awaitable<TaskResult> async_round_trip(boost::asio::ip::tcp::socket& s,
                                                    std::size_t i, uint64_t delay_us);
[[noreturn]] void throw_broken();

std::vector<Params> grid(const Suite& s, IoShape shape);

}  // namespace concbench::io_echo
