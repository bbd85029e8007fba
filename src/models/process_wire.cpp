#include "models/process_wire.hpp"


#include "core/inflight.hpp"

#include "core/trace.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "core/system.hpp"

namespace concbench::wire {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Sends header and payload in as few syscalls as the kernel allows; false if the peer is gone.
bool send_frame(int fd, uint32_t kind, std::string_view data) {
  Header h{kind, 0, data.size()};
  iovec iov[2] = {{&h, sizeof h}, {const_cast<char*>(data.data()), data.size()}};
  int idx = 0;
  while (idx < 2) {
    msghdr msg{};
    msg.msg_iov = iov + idx;
    msg.msg_iovlen = std::size_t(2 - idx);
    const ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    std::size_t left = std::size_t(n);
    while (idx < 2 && left >= iov[idx].iov_len) left -= iov[idx++].iov_len;
    if (idx < 2) {
      iov[idx].iov_base = static_cast<char*>(iov[idx].iov_base) + left;
      iov[idx].iov_len -= left;
    }
  }
  return true;
}

bool read_full(int fd, void* buf, std::size_t len) {
  auto* p = static_cast<char*>(buf);
  while (len > 0) {
    const ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= std::size_t(n);
  }
  return true;
}

bool recv_frame(int fd, Header& h, std::string& data) {
  if (!read_full(fd, &h, sizeof h)) return false;
  data.resize(h.length);
  return read_full(fd, data.data(), h.length);
}

Usage own_usage() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return from_rusage(ru);
}

// A worker's peak private memory, without sampling in the task path (reading smaps_rollup
// after every task cost 1,000 sleeping workers half of a 2-core machine): the kernel keeps
// the peak RSS (VmHWM), which counts the pages still shared with the parent too; those are
// RSS - private now. Pages a worker copies only leave the shared set, so this is at least
// the true peak, and exact for a worker whose private pages only grew.
int64_t peak_private_bytes() {
  const int64_t priv = private_rss_bytes();
  const int64_t rss = current_rss_bytes(), hwm = peak_rss_bytes();
  if (rss < 0 || hwm < 0) return priv;
  return std::max(priv, hwm - std::max<int64_t>(0, rss - priv));
}

void kill_and_reap(pid_t pid, Usage* into) {
  int status = 0;
  rusage ru{};
  kill(pid, SIGKILL);
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  if (into) *into += from_rusage(ru);
}

}  // namespace concbench::wire

namespace concbench {

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended with wait status " + std::to_string(status);
}

}  // namespace concbench
