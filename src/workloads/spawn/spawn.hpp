// spawn (docs/questions.md question 3): what one unit of each model costs to create and to complete,
// and what it holds in memory while suspended. One run creates `units` units; each, once
// created, arrives and waits at a gate; when the last has arrived, the driver samples the
// memory and opens the gate; every unit then completes and is joined (or reaped).
//   coro             co_spawn of a coroutine awaiting an asio timer (the gate), one loop
//   thread_per_task  std::thread blocked on an atomic (futex)
//   tbb              task_group::run of a task that suspends itself (tbb::task::suspend)
//   fork_per_task    fork() of this process; the child blocks in read() on a pipe; _exit, waitpid
//   exec_per_task    posix_spawn of a tiny program (concbench-unit) that does the same
// A unit that did not wait reads the gate still closed and returns a wrong value (in-process),
// or leaves its gate byte unread (processes): an error either way.
// Params: units; parent_mb (processes: this process made that much larger before forking).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/case.hpp"

namespace concbench::spawn {

const Workload& workload();

struct Config {
  std::size_t units;
  int64_t parent_mb;
};
Config config(const Params& p);

inline uint64_t unit_value(std::size_t i) { return mix64(i ^ 0x5ba7); }

// The timeline of one run: stamps taken by the driver, the memory it sampled.
class Timeline {
 public:
  using Clock = std::chrono::steady_clock;
  // Frees what earlier runs left in the allocator (so that new units' pages are counted),
  // reads this process's RSS, and starts the clock.
  void start();
  void all_waiting() { waiting_ = Clock::now(); }
  // The memory the units hold while they wait: in-process units, the larger of this
  // process's RSS growth since start() and its allocator's (heap bytes in use: a coroutine
  // frame can land on pages already resident); else `bytes` (the children's own memory, sampled by the caller).
  void sample_rss();
  void set_memory(int64_t bytes);
  void opening() { opening_ = Clock::now(); }
  void done() { done_ = Clock::now(); }
  // create_us, complete_us, unit_us and mem_per_unit_bytes into `b`.
  void add_figures(Batch& b, std::size_t units) const;

 private:
  Clock::time_point start_, waiting_, opening_, done_;
  int64_t rss_before_ = 0;
  int64_t heap_before_ = 0;
  int64_t memory_ = -1;
  int64_t kernel_before_ = -1, kernel_ = -1;
  void sample_kernel();
};

// The kernel's own memory for tasks, machine-wide: kernel stacks (a thread's, or a process's
// one thread) and page tables, from /proc/meminfo; -1 where it cannot be read. RSS counts
// neither.
int64_t kernel_task_memory();

// The children's own memory: the mean over up to 16 of `pids` (spread evenly) of their
// private pages plus page tables, times the number of children.
int64_t children_memory(const std::vector<int>& pids);

// Process units: the driver's side. `create(i, arrive_fd, gate_fd)` starts unit i (it must
// write one byte to arrive_fd, then read one byte from gate_fd and exit with expected(i) if
// that byte was 'G') and returns its pid, or -1 with errno. Reads the arrivals, samples the
// children's memory, writes one 'G' per unit, reaps every child and checks its status and
// that no gate byte is left (a unit that never waited).
using CreateProcess = std::function<int(std::size_t i, int arrive_fd, int gate_fd)>;
Batch run_processes(std::size_t units, const CreateProcess& create,
                    const std::function<int(std::size_t)>& expected);

// This process made `mb` MiB larger (touched), for as long as it lives: a large parent.
struct Ballast {
  explicit Ballast(int64_t mb);
  std::vector<char> bytes;
};

// The processes' grid and needs; the in-process models'.
std::vector<Params> grid(const Suite& s, bool processes);

}  // namespace concbench::spawn
