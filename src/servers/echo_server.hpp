// The embedded echo server of io.echo: a ForkedServer (its own process, one loop per core).
// Protocol: a request is 64 bytes that start with the tag "cbd1" and the server-side delay
// in microseconds (32 bits, little-endian); the reply is the request, after that delay.
// Requests are framed: several sent back to back are answered in turn, each after its delay.
// A connection that starts otherwise gets a plain echo (nc, telnet), or, if it starts with a
// sockperf message, sockperf's own server's answers (ping-pong, under-load, throughput), so
// that the field's tool loads the same server through `concbench --serve echo`.
// Any plain echo server (`--echo-server HOST:PORT`) also works; it just ignores the delay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "servers/forked_server.hpp"

namespace concbench {

class EchoServer : public ForkedServer {
 public:
  static constexpr std::size_t kMessageBytes = 64;
  static constexpr char kTag[4] = {'c', 'b', 'd', '1'};
  // Forks the server process (servers/forked_server.hpp); returns once it listens.
  EchoServer();
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
