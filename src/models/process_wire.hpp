// The wire between a parent and its worker processes (procs, fork_per_task): length-prefixed
// frames over a socket, each with its kind, and the accounting a worker reports about itself.
// Internal to src/models' process engines.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/usage.hpp"

namespace concbench::wire {

enum : uint32_t { kTask = 1, kUsage = 2, kOk = 3, kError = 4, kUsageReply = 5, kPid = 6, kPidReply = 7 };

struct Header {
  uint32_t kind;
  uint32_t reserved;
  uint64_t length;
};

[[noreturn]] void throw_errno(const std::string& what);
// Sends header and payload in as few syscalls as the kernel allows; false if the peer is gone.
bool send_frame(int fd, uint32_t kind, std::string_view data);
bool read_full(int fd, void* buf, std::size_t len);
bool recv_frame(int fd, Header& h, std::string& data);
// This process's CPU and switches so far.
Usage own_usage();
// A worker's peak private memory (see the definition for why it is read this way).
int64_t peak_private_bytes();
// SIGKILL, then reap: `into` (if any) gets the child's usage.
void kill_and_reap(pid_t pid, Usage* into);

}  // namespace concbench::wire
