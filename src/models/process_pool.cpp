#include "models/process_pool.hpp"

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

namespace {

enum : uint32_t { kTask = 1, kUsage = 2, kOk = 3, kError = 4, kUsageReply = 5, kPid = 6, kPidReply = 7 };

struct Header {
  uint32_t kind;
  uint32_t reserved;
  uint64_t length;
};

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

[[noreturn]] void pool_child_main(int fd, const ProcessPool::Handler& handler) {
  Header h{};
  std::string payload;
  while (recv_frame(fd, h, payload)) {
    if (h.kind == kPid) {
      const pid_t me = getpid();
      send_frame(fd, kPidReply, std::string_view(reinterpret_cast<const char*>(&me), sizeof me));
      continue;
    }
    if (h.kind == kUsage) {
      Usage u = own_usage();
      u.peak_rss_bytes = peak_private_bytes();
      send_frame(fd, kUsageReply, std::string_view(reinterpret_cast<const char*>(&u), sizeof u));
      continue;
    }
    std::string out;
    uint32_t kind = kOk;
    trace::Span span("message", "procs");
    try {
      out = handler(payload);
    } catch (const std::exception& e) {
      kind = kError;
      out = e.what();
    } catch (...) {
      kind = kError;
      out = "unknown exception";
    }
    if (!send_frame(fd, kind, out)) break;
  }
  trace::child_exit();
  _exit(0);
}

void kill_and_reap(pid_t pid, Usage* into) {
  int status = 0;
  rusage ru{};
  kill(pid, SIGKILL);
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  if (into) *into += from_rusage(ru);
}

}  // namespace

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended with wait status " + std::to_string(status);
}

// ---- ProcessPool ----------------------------------------------------------------------

ProcessPool::ProcessPool(std::size_t workers, Handler handler) : handler_(std::move(handler)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("procs: epoll_create1");
  workers_.reserve(workers);
  try {
    for (std::size_t i = 0; i < workers; ++i) {
      workers_.push_back(spawn());
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, workers_.back().fd, &ev) < 0)
        throw_errno("procs: epoll_ctl");
    }
  } catch (...) {
    for (auto& w : workers_) {
      close(w.fd);
      kill_and_reap(w.pid, nullptr);
    }
    close(epoll_fd_);
    throw;
  }
}

ProcessPool::Worker ProcessPool::spawn() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    throw_errno("procs: socketpair");
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int e = errno;
    close(sv[0]);
    close(sv[1]);
    errno = e;
    throw_errno("procs: fork (worker " + std::to_string(workers_.size()) + ")");
  }
  if (pid == 0) {
    close(sv[0]);
    pool_child_main(become_child(parent, sv[1]), handler_);
  }
  close(sv[1]);
  return {pid, sv[0]};
}

ProcessPool::~ProcessPool() {
  for (auto& w : workers_) close(w.fd);
  close(epoll_fd_);
  // Children exit on end-of-file; give them two seconds (a task in progress ends first).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::vector<pid_t> left;
  for (auto& w : workers_) left.push_back(w.pid);
  while (!left.empty()) {
    std::erase_if(left, [](pid_t p) {
      int status;
      const pid_t r = waitpid(p, &status, WNOHANG);
      return r == p || (r < 0 && errno == ECHILD);
    });
    if (left.empty()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      for (pid_t p : left) kill_and_reap(p, nullptr);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void ProcessPool::replace(std::size_t w, std::string* why) {
  retire(w, why);
  respawn(w);
}

void ProcessPool::retire(std::size_t w, std::string* why) {
  Worker& old = workers_[w];
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, old.fd, nullptr);
  close(old.fd);
  int status = 0;
  rusage ru{};
  // The socket closed, so the child is gone or going; a child that closed it and lives on
  // would be a bug: it is killed rather than waited for.
  pid_t r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while ((r = wait4(old.pid, &status, WNOHANG, &ru)) == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  if (r == 0) {
    kill(old.pid, SIGKILL);
    while (wait4(old.pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
  }
  exited_ += from_rusage(ru);
  if (why)
    *why = "procs: worker " + std::to_string(w) + " (pid " + std::to_string(old.pid) + ") " +
           describe_exit(status);
  ++replaced_;
}

void ProcessPool::respawn(std::size_t w) {
  workers_[w] = spawn();
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = w;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, workers_[w].fd, &ev) < 0)
    throw_errno("procs: epoll_ctl");
}

std::vector<Reply> ProcessPool::run(const std::vector<std::string_view>& payloads,
                                    std::size_t depth, const std::vector<std::size_t>& tasks) {
  return dispatch(payloads, false, std::max<std::size_t>(1, depth), tasks);
}

void ProcessPool::run_each(const std::vector<std::string_view>& payloads, const OnReply& on_reply) {
  dispatch(payloads, false, 1, {}, &on_reply);
}

std::vector<Reply> ProcessPool::broadcast(std::string_view payload) {
  return dispatch(std::vector<std::string_view>(workers_.size(), payload), true, 1);
}

std::vector<Reply> ProcessPool::dispatch(const std::vector<std::string_view>& payloads,
                                         bool one_each, std::size_t depth,
                                         const std::vector<std::size_t>& tasks, const OnReply* on_reply) {
  const std::size_t n = payloads.size();
  auto carried = [&](std::size_t t) { return int64_t(t < tasks.size() ? tasks[t] : 1); };
  std::vector<Reply> replies(n);
  // The tasks sent to each worker and not yet answered, oldest first (a worker answers in
  // order); `idle` holds one entry per free slot: a worker appears up to `depth` times.
  std::vector<std::deque<std::size_t>> task_of(workers_.size());
  std::deque<std::size_t> idle;
  for (std::size_t d = 0; d < depth; ++d)
    for (std::size_t w = 0; w < workers_.size(); ++w) idle.push_back(w);
  std::size_t next = 0, done = 0, in_flight = 0;
  std::vector<epoll_event> events(std::min<std::size_t>(workers_.size(), 256));
  std::string data;

  bool cancelled = false;  // on_reply asked to cancel the rest
  auto fail = [&](std::size_t task, std::string why) {
    replies[task] = {false, std::move(why)};
    ++done;
    if (on_reply) (*on_reply)(task, replies[task]);
  };
  // Tasks that a dead worker had queued but not started: sent again, to its replacement or
  // another worker, before any new task (one_each: a broadcast is not moved).
  std::deque<std::size_t> again;
  // Worker w died (`why`): the oldest task it held was running and fails; the ones queued
  // behind it never started and go again; its slots come back (to its replacement).
  auto lost = [&](std::size_t w, const std::string& why) {
    for (std::size_t k = 0; k < task_of[w].size(); ++k) {
      const std::size_t t = task_of[w][k];
      if (k == 0 || one_each)
        fail(t, why + " while running task " + std::to_string(t));
      else
        again.push_back(t);
      --in_flight;
      idle.push_back(w);
    }
    task_of[w].clear();
  };

  // on_reply's cancel: the workers still running a task are killed, all of them before any
  // is reaped, so that they end together; then their tasks and the unsent ones are reported
  // cancelled, and only then are the killed workers replaced.
  auto cancel_rest = [&] {
    cancelled = true;
    std::vector<std::size_t> busy;
    for (std::size_t w = 0; w < workers_.size(); ++w)
      if (!task_of[w].empty()) {
        kill(workers_[w].pid, SIGKILL);
        busy.push_back(w);
      }
    for (std::size_t w : busy) {
      retire(w, nullptr);
      for (std::size_t t : task_of[w]) {
        inflight::tasks::finished(carried(t));
        --in_flight;
        fail(t, "cancelled");
      }
      task_of[w].clear();
    }
    for (; !again.empty(); again.pop_front()) fail(again.front(), "cancelled");
    while (next < n) fail(next++, "cancelled");
    for (std::size_t w : busy) respawn(w);
  };

  while (done < n) {
    if (interrupted()) {
      while (!again.empty()) {
        fail(again.front(), "interrupted");
        again.pop_front();
      }
      while (next < n) fail(next++, "interrupted");
      if (in_flight == 0) break;
    }
    while (!idle.empty() && (next < n || !again.empty())) {
      const bool retry = !again.empty();
      const std::size_t t = retry ? again.front() : next;
      const std::size_t w = one_each ? t : idle.front();
      if (one_each)
        std::erase(idle, w);
      else
        idle.pop_front();
      if (retry)
        again.pop_front();
      else
        ++next;
      if (!send_frame(workers_[w].fd, kTask, payloads[t])) {
        std::string why;
        replace(w, &why);
        lost(w, why);
        if (one_each)
          fail(t, why + " before it took its task");
        else
          again.push_front(t);  // never started: the replacement takes it
        idle.push_back(w);
        continue;
      }
      task_of[w].push_back(t);
      ++in_flight;
      inflight::tasks::handed(carried(t));
    }
    inflight::tasks::sample();
    if (in_flight == 0) continue;
    const int ready = epoll_wait(epoll_fd_, events.data(), int(events.size()), 200);
    if (ready < 0 && errno != EINTR) throw_errno("procs: epoll_wait");
    for (int e = 0; e < ready; ++e) {
      const auto w = std::size_t(events[std::size_t(e)].data.u64);
      Header h{};
      const bool got = recv_frame(workers_[w].fd, h, data);
      if (!got || (h.kind != kOk && h.kind != kError)) {
        std::string why;
        replace(w, &why);
        lost(w, why);  // an idle worker that died is still on the idle list
        continue;
      }
      if (task_of[w].empty()) continue;  // cannot happen: replies come only for tasks sent
      const std::size_t task = task_of[w].front();
      task_of[w].pop_front();
      replies[task] = {h.kind == kOk, std::move(data)};
      data = {};
      inflight::tasks::finished(carried(task));
      ++done;
      --in_flight;
      idle.push_back(w);
      if (on_reply && !cancelled && (*on_reply)(task, replies[task])) {
        cancel_rest();
        break;  // the other events are of killed workers
      }
    }
  }
  return replies;
}

Usage ProcessPool::usage() {
  Usage total = exited_;
  for (auto& w : workers_) {
    Header h{};
    std::string data;
    if (send_frame(w.fd, kUsage, {}) && recv_frame(w.fd, h, data) && h.kind == kUsageReply &&
        data.size() == sizeof(Usage)) {
      Usage u;
      std::memcpy(&u, data.data(), sizeof u);
      total += u;
    }
  }
  return total;
}

std::size_t ProcessPool::roll_call() {
  std::set<pid_t> seen;
  for (auto& w : workers_) {
    Header h{};
    std::string data;
    pid_t pid = 0;
    if (send_frame(w.fd, kPid, {}) && recv_frame(w.fd, h, data) && h.kind == kPidReply &&
        data.size() == sizeof pid) {
      std::memcpy(&pid, data.data(), sizeof pid);
      if (pid == w.pid) seen.insert(pid);
    }
  }
  return seen.size();
}

std::vector<pid_t> ProcessPool::pids() const {
  std::vector<pid_t> p;
  for (auto& w : workers_) p.push_back(w.pid);
  return p;
}

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

// ---- farms ----------------------------------------------------------------------------

std::string to_bytes(const std::vector<TaskResult>& results) {
  return std::string(reinterpret_cast<const char*>(results.data()),
                     results.size() * sizeof(TaskResult));
}

std::vector<TaskResult> results_from_bytes(std::string_view bytes) {
  std::vector<TaskResult> r(bytes.size() / sizeof(TaskResult));
  std::memcpy(r.data(), bytes.data(), r.size() * sizeof(TaskResult));
  return r;
}

namespace {
struct Range {
  uint64_t first;
  uint64_t count;
};
}  // namespace

ProcessPool::Handler task_handler(std::function<TaskResult(std::size_t)> task) {
  return [task = std::move(task)](std::string_view payload) {
    Range r{};
    if (payload.size() != sizeof r) throw std::runtime_error("procs: malformed range message");
    std::memcpy(&r, payload.data(), sizeof r);
    std::vector<TaskResult> out(r.count);
    for (uint64_t k = 0; k < r.count; ++k) {
      try {
        out[k] = task(r.first + k);
      } catch (const std::exception& e) {
        throw std::runtime_error("task " + std::to_string(r.first + k) + ": " + e.what());
      }
    }
    return to_bytes(out);
  };
}

void decode_reply(const Reply& reply, std::size_t first, std::size_t count, Batch& into) {
  const std::string tasks = count == 1 ? "task " + std::to_string(first)
                                       : "tasks " + std::to_string(first) + ".." +
                                             std::to_string(first + count - 1);
  if (!reply.ok) {
    // A handler's own message already names its task.
    into.errors.push_back(reply.data.rfind("task ", 0) == 0 ? reply.data : tasks + ": " + reply.data);
    return;
  }
  if (reply.data.size() != count * sizeof(TaskResult)) {
    into.errors.push_back(tasks + ": reply of " + std::to_string(reply.data.size()) +
                          " bytes, expected " + std::to_string(count) + " results");
    return;
  }
  std::memcpy(into.results.data() + first, reply.data.data(), reply.data.size());
}

Batch run_tasks(ProcessPool& pool, std::size_t n, Dispatch dispatch, std::size_t depth) {
  std::vector<Range> ranges;
  if (dispatch == Dispatch::map)
    for (auto [b, e] : Guided(n, pool.workers()).chunks()) ranges.push_back({b, e - b});
  else
    for (std::size_t i = 0; i < n; ++i) ranges.push_back({i, 1});
  std::vector<std::string_view> payloads;
  std::vector<std::size_t> carried;
  payloads.reserve(ranges.size());
  for (auto& r : ranges) {
    payloads.emplace_back(reinterpret_cast<const char*>(&r), sizeof r);
    carried.push_back(r.count);
  }
  const auto replies = pool.run(payloads, depth > 0 ? depth : dispatch == Dispatch::each ? 2 : 1, carried);
  Batch b;
  b.results.resize(n);
  for (std::size_t k = 0; k < ranges.size(); ++k)
    decode_reply(replies[k], ranges[k].first, ranges[k].count, b);
  return b;
}

TaskResult run_one(ProcessPool& pool, std::size_t i) {
  const Range r{i, 1};
  const auto replies = pool.run({std::string_view(reinterpret_cast<const char*>(&r), sizeof r)}, 1);
  Batch b;
  b.results.resize(i + 1);
  decode_reply(replies.at(0), i, 1, b);
  if (!b.errors.empty()) throw std::runtime_error(b.errors.front());
  return b.results[i];
}

Batch run_tasks(ForkPerTask& engine, std::size_t n,
                const std::function<TaskResult(std::size_t)>& task) {
  const auto replies = engine.run(n, [&](std::size_t i) {
    const TaskResult r = task(i);
    return std::string(reinterpret_cast<const char*>(&r), sizeof r);
  });
  Batch b;
  b.results.resize(n);
  for (std::size_t i = 0; i < n; ++i) decode_reply(replies[i], i, 1, b);
  return b;
}

}  // namespace concbench
