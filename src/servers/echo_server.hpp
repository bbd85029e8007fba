// The embedded echo server of io.echo: a separate process (so that its CPU time is not
// charged to the model under test; the harness records it as server_cpu_s) running one Asio
// coroutine loop per core on 127.0.0.1 and an ephemeral port. Protocol: fixed 64-byte messages; the first 8 bytes are the server-side
// delay in microseconds (little-endian); the reply is the request, after that delay.
// Any plain echo server (`--echo-server HOST:PORT`) also works; it just ignores the delay.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace concbench {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

// Parses "HOST:PORT"; nothing if malformed.
std::optional<Endpoint> parse_endpoint(const std::string& text);

class EchoServer {
 public:
  static constexpr std::size_t kMessageBytes = 64;

  // Forks the server process; returns once it listens. Throws if it does not within 5 s.
  EchoServer();
  // Stops (SIGTERM) and reaps the server process.
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  pid_t pid() const { return pid_; }
  int loops() const { return loops_; }

 private:
  int loops_ = 1;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Where io.echo connects: an external server if one was configured (--echo-server),
// otherwise a server started for the trial and owned by the returned object.
class EchoService {
 public:
  EchoService();
  Endpoint endpoint() const;
  bool external() const { return !embedded_; }

  static void use_external(std::optional<Endpoint> e);
  static std::optional<Endpoint> external_endpoint();

 private:
  std::optional<EchoServer> embedded_;
};

}  // namespace concbench
