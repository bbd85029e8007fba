// A server in a process of its own (so that its CPU is not charged to the model under test;
// the harness records it as server_cpu_s): one asio coroutine loop per core, each with an
// acceptor on the same ephemeral port of 127.0.0.1 (SO_REUSEPORT: the kernel spreads the
// connections), every accepted connection a coroutine `session` on its acceptor's loop. Used
// by the echo server (io.echo) and the HTTP server (http).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace concbench {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

// Parses "HOST:PORT"; nothing if malformed.
std::optional<Endpoint> parse_endpoint(const std::string& text);

class ForkedServer {
 public:
  using Session = std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket)>;
  // Forks the server process (`what` names it in errors); returns once it listens. Registers
  // it as the active server (core/server_probe.hpp). Throws if it does not within 5 s.
  ForkedServer(const char* what, Session session);
  // Stops (SIGTERM) and reaps the server process.
  ~ForkedServer();
  ForkedServer(const ForkedServer&) = delete;
  ForkedServer& operator=(const ForkedServer&) = delete;

  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  pid_t pid() const { return pid_; }
  int loops() const { return loops_; }

 private:
  int loops_ = 1;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace concbench
