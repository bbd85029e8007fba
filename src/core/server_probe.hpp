// The embedded server of the trial running now (io.echo's echo server), for the harness to
// charge its CPU to it (server_cpu_s) and to mark the points where the server, not the model,
// was the bottleneck. A server registers itself while it lives; there is one trial at a time
// per process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace concbench {

struct ServerInfo {
  pid_t pid = -1;  // its own process
  int loops = 1;   // threads serving (one event loop each)
  bool tree = false;  // its CPU includes its children's (PostgreSQL's backends)
  uint16_t port = 0;  // its TCP port on this machine (connections are counted there)
};

void set_active_server(std::optional<ServerInfo> s);
std::optional<ServerInfo> active_server();

// CPU seconds of process `pid` (all its threads, from the scheduler); -1 if unreadable.
double process_cpu_seconds(pid_t pid);
// The server's CPU seconds: its process's, and its children's when it has a tree (those alive
// now, and those it has reaped).
double server_cpu_seconds(const ServerInfo& s);
// The TCP connections the server holds open now: established sockets on this machine whose
// local port is its port (/proc/net/tcp and tcp6); -1 if unreadable.
int64_t server_connections(const ServerInfo& s);

}  // namespace concbench
