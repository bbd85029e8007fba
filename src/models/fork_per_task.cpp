#include "models/process_pool.hpp"
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

namespace concbench {

using namespace wire;

// ---- ForkPerTask ----------------------------------------------------------------------

std::vector<Reply> ForkPerTask::run(std::size_t n,
                                    const std::function<std::string(std::size_t)>& task) {
  struct Child {
    pid_t pid;
    int fd;
    std::size_t task;
    std::string buf;
  };
  std::vector<Reply> replies(n);
  std::vector<Child> live;
  std::vector<pollfd> fds;
  std::size_t next = 0;
  const pid_t parent = getpid();

  auto finish = [&](std::size_t k) {
    Child& c = live[k];
    close(c.fd);
    int status = 0;
    rusage ru{};
    while (wait4(c.pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    Usage u = from_rusage(ru);
    u.peak_rss_bytes = 0;
    children_ += u;
    const bool clean =
        WIFEXITED(status) && WEXITSTATUS(status) == 0 && c.buf.size() >= 1 + sizeof(int64_t);
    if (clean) {
      int64_t own;
      std::memcpy(&own, c.buf.data() + 1, sizeof own);
      largest_child_rss_ = std::max(largest_child_rss_, own);
      replies[c.task] = {c.buf[0] == 1, c.buf.substr(1 + sizeof own)};
    } else {
      replies[c.task] = {false, "fork_per_task: child for task " + std::to_string(c.task) +
                                    " (pid " + std::to_string(c.pid) + ") " +
                                    describe_exit(status)};
    }
    live.erase(live.begin() + std::ptrdiff_t(k));
    inflight::tasks::finished();
  };

  while (next < n || !live.empty()) {
    while (live.size() < max_live_ && next < n) {
      if (interrupted()) {
        replies[next++] = {false, "interrupted"};
        continue;
      }
      int p[2];
      if (pipe2(p, O_CLOEXEC) < 0) throw_errno("fork_per_task: pipe");
      const pid_t pid = fork();
      if (pid < 0) {
        const int e = errno;
        close(p[0]);
        close(p[1]);
        errno = e;
        throw_errno("fork_per_task: fork");
      }
      if (pid == 0) {
        close(p[0]);
        const int fd = become_child(parent, p[1]);
        std::string out(1, '\1');
        try {
          trace::Span span("task", "fork_per_task", int64_t(next));
          out += task(next);
        } catch (const std::exception& e) {
          out = std::string(1, '\0') + e.what();
        }
        const int64_t own = private_rss_bytes();  // before the reply: [ok][own memory][bytes]
        out.insert(1, reinterpret_cast<const char*>(&own), sizeof own);
        const char* q = out.data();
        std::size_t left = out.size();
        while (left > 0) {
          const ssize_t w = write(fd, q, left);
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) _exit(1);
          q += w;
          left -= std::size_t(w);
        }
        trace::child_exit();
        _exit(0);
      }
      close(p[1]);
      fcntl(p[0], F_SETFL, O_NONBLOCK);
      live.push_back({pid, p[0], next++, {}});
      most_alive_ = std::max(most_alive_, live.size());
      inflight::tasks::handed();
      inflight::tasks::sample();
    }
    if (live.empty()) continue;
    fds.resize(live.size());
    for (std::size_t k = 0; k < live.size(); ++k) fds[k] = {live[k].fd, POLLIN, 0};
    const int ready = poll(fds.data(), nfds_t(fds.size()), 200);
    if (ready < 0 && errno != EINTR) throw_errno("fork_per_task: poll");
    if (ready <= 0) continue;
    char chunk[65536];
    for (std::size_t k = fds.size(); k-- > 0;) {
      if (!fds[k].revents) continue;
      for (;;) {
        const ssize_t r = read(live[k].fd, chunk, sizeof chunk);
        if (r > 0) {
          live[k].buf.append(chunk, std::size_t(r));
          continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) finish(k);  // end of file: the child has written all and exited
        break;                  // EAGAIN: more later
      }
    }
  }
  return replies;
}

Usage ForkPerTask::usage() const {
  Usage u = children_;
  u.peak_rss_bytes = largest_child_rss_ * int64_t(most_alive_);
  return u;
}

}  // namespace concbench
