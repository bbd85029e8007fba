// `procs`: P worker processes forked up front (multiprocessing.Pool's shape), each running a
// fixed handler on the payloads it is sent over its own socketpair; and `fork_per_task`: one
// fork per task, the child working on its copy-on-write view of the parent's memory.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "core/usage.hpp"
#include "models/tasks.hpp"

namespace concbench {

// A worker's answer: the handler's bytes, or (ok == false) one line saying what went wrong.
struct Reply {
  bool ok = false;
  std::string data;
};

// "killed by signal 9 (Killed)", "exited with status 3"
std::string describe_exit(int wait_status);

class ProcessPool {
 public:
  using Handler = std::function<std::string(std::string_view payload)>;

  // Forks `workers` children now, before the caller allocates its data. Each child inherits
  // `handler` (and nothing else it could use: other descriptors are closed), ignores SIGINT
  // (the parent stops it), and dies with the parent (PR_SET_PDEATHSIG).
  // REQUIRES: workers >= 1.
  ProcessPool(std::size_t workers, Handler handler);
  // Closes every socket (the children exit on end-of-file) and reaps every child; a child
  // still alive after two seconds is killed.
  ~ProcessPool();
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  std::size_t workers() const { return workers_.size(); }

  // Runs every payload on some worker, at most `depth` in flight per worker (a worker with a
  // second message queued starts it without waiting for the parent); replies in payload
  // order. A worker that dies turns the task it was running into an error naming the signal
  // (the ones queued behind it never started: they are sent again) and is replaced by a new
  // fork, so the pool stays usable and every other task completes. Stops dispatching when
  // interrupted(). `tasks[k]` (default 1) is how many tasks payload k carries, for the
  // count of tasks in flight (core/inflight.hpp).
  std::vector<Reply> run(const std::vector<std::string_view>& payloads, std::size_t depth = 1,
                         const std::vector<std::size_t>& tasks = {});
  // Runs payload k on some worker, one at a time per worker, handing each reply to
  // `on_reply(k, reply)` as it arrives (completion order). When on_reply returns true the
  // rest is cancelled, as ProcessPoolExecutor's cancel() and multiprocessing.Pool's
  // terminate() do together: tasks not yet sent never are, and each worker still running one
  // is killed (SIGKILL) and reaped, its task handed to on_reply as {false, "cancelled"}; the
  // killed workers are replaced after that (the pool stays usable). A worker that dies
  // otherwise fails its task, as in run().
  void run_each(const std::vector<std::string_view>& payloads,
                const std::function<bool(std::size_t, Reply&)>& on_reply);
  // Runs `payload` once on every worker (warm-up, per-process set-up).
  std::vector<Reply> broadcast(std::string_view payload);

  // CPU and context switches of the workers: those alive (each asked) and those that have
  // exited. peak_rss_bytes sums the live workers' peak private memory (private_rss_bytes():
  // not the pages they still share with the parent, which the parent's RSS already counts;
  // from the kernel's peak RSS less the pages still shared).
  Usage usage();
  std::vector<pid_t> pids() const;
  // Asks every worker for its pid (answered by the worker's own loop, not the handler);
  // returns how many distinct live workers answered.
  std::size_t roll_call();
  std::size_t replaced() const { return replaced_; }

 private:
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
  };
  Worker spawn();
  void replace(std::size_t w, std::string* why);
  void retire(std::size_t w, std::string* why);  // its socket closed, the child reaped
  void respawn(std::size_t w);                   // a new child in its place
  using OnReply = std::function<bool(std::size_t, Reply&)>;
  std::vector<Reply> dispatch(const std::vector<std::string_view>& payloads, bool one_each,
                              std::size_t depth, const std::vector<std::size_t>& tasks = {},
                              const OnReply* on_reply = nullptr);

  Handler handler_;
  std::vector<Worker> workers_;
  int epoll_fd_ = -1;
  Usage exited_;
  std::size_t replaced_ = 0;
};

class ForkPerTask {
 public:
  // REQUIRES: max_live >= 1. Forks nothing until run().
  explicit ForkPerTask(std::size_t max_live) : max_live_(max_live) {}
  std::size_t workers() const { return max_live_; }

  // For each i in [0, n): forks a child that returns task(i)'s bytes through a pipe and exits;
  // at most max_live children at once. A child that dies becomes an error naming the signal.
  std::vector<Reply> run(std::size_t n, const std::function<std::string(std::size_t)>& task);

  // The children that have run so far: CPU and switches summed; peak_rss_bytes is the largest
  // child's private memory times the most children alive at once (a bound of their sum).
  Usage usage() const;

 private:
  std::size_t max_live_;
  Usage children_;
  int64_t largest_child_rss_ = 0;
  std::size_t most_alive_ = 0;
};

// ---- independent tasks on processes ----------------------------------------------------

// The handler a pool needs to run `task(i)` for the ranges of indices run_tasks sends.
// REQUIRES: Task is callable as TaskResult(std::size_t) in the child.
ProcessPool::Handler task_handler(std::function<TaskResult(std::size_t)> task);
// Runs tasks [0, n) on a pool made with task_handler. map: guided chunks (models/tasks.hpp),
// one message each, handed to workers as they free (multiprocessing.Pool.map's fixed
// ceil(n / 4P) chunks leave workers idle at the end); each: one index per message, two messages
// in flight per worker (a worker never idles waiting for the parent).
// `depth` overrides the messages in flight per worker: I/O tasks use 1, so that no wait
// queues behind another worker's wait while a worker is free.
Batch run_tasks(ProcessPool& pool, std::size_t n, Dispatch dispatch, std::size_t depth = 0);
// Task `i` alone on some worker of a pool made with task_handler, waited for here (what
// asyncio's run_in_executor hands a ProcessPoolExecutor); its failure is thrown. One caller
// at a time.
TaskResult run_one(ProcessPool& pool, std::size_t i);
// One fork per task, task(i) computed in the child (dispatch:each only).
Batch run_tasks(ForkPerTask& engine, std::size_t n,
                const std::function<TaskResult(std::size_t)>& task);

// The one decoder of worker replies: `reply` must hold exactly `count` results for tasks
// [first, first + count); they go into `into`, else one error line naming the tasks.
void decode_reply(const Reply& reply, std::size_t first, std::size_t count, Batch& into);

// Plain-bytes helpers for handlers.
std::string to_bytes(const std::vector<TaskResult>& results);
std::vector<TaskResult> results_from_bytes(std::string_view bytes);

}  // namespace concbench
