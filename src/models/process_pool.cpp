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

namespace {

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

}  // namespace

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

}  // namespace concbench
