// What this machine allows: cores, thread/process/descriptor limits; and the suite-wide
// interruption flag set by SIGINT/SIGTERM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/case.hpp"

namespace concbench {

// Cores this process may run on: the affinity mask, reduced by a cgroup v2 CPU quota.
int available_cores();

struct Limits {
  int64_t max_tasks;        // threads + processes: min(pid_max, threads-max, RLIMIT_NPROC)
  int64_t tasks_in_use;     // threads and processes that exist now (all users)
  int64_t max_descriptors;  // RLIMIT_NOFILE (soft)
  int64_t available_memory = int64_t(1) << 40;  // MemAvailable, bytes
  int64_t page_table_bytes = 0;                 // this process's page tables (VmPTE)
  int64_t max_maps = 65530;                     // vm.max_map_count
  int64_t maps_in_use = 0;                      // this process's mappings now
};
Limits read_limits();

// Why `needs` cannot be met here, or nothing. Keeps a margin for the rest of the system.
// Memory: every forked worker copies the parent's page tables and touches pages of its own
// (a 2,000-worker pool of a 170 MB parent needs 3.5 GB: seen as an OOM kill at 10,000);
// every thread touches some stack. Half of MemAvailable may be used.
std::optional<std::string> check_needs(const Needs& needs, const Limits& limits);

// A helper program of ours (concbench-unit, concbench-pg) beside this executable, or one
// folder up (the tests' binaries); throws naming `what` it is if it is not there.
std::string helper_program(const std::string& name, const std::string& what);
// Why a helper program is missing (for Needs::unavailable: the benchmark is skipped with the
// reason), or nothing.
std::optional<std::string> helper_missing(const std::string& name, const std::string& what);

// Runs args[0] (searched on PATH unless it has a '/') with `args`, its stdout and stderr
// captured together; waits for it. Throws if it cannot be started.
struct ProgramRun {
  std::string out;
  int status = 0;     // as waitpid gives it
  double cpu_s = 0;   // the program's CPU, user and system (wait4's rusage: it and its reaped children)
};
// `env`: "NAME=value" entries added to (or replacing) this process's environment.
ProgramRun run_program(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// The first line `args` (a program asked for its version) prints, without a copyright notice;
// "<program>: not found" if it cannot start.
std::string program_version(const std::vector<std::string>& args);

// "Linux 6.18.44": threads' costs depend on it.
std::string kernel_release();
// The futex hash a threaded process gets here: its own of N buckets (Linux 6.16+), or the
// kernel's global one. Few buckets and thousands of threads asleep on one lock's condition
// variable make a wake walk a long chain (README: io.sleep on threads at 10,000 workers).
std::string futex_hash();

// Set from a signal handler; work loops poll it to stop promptly.
bool interrupted();
void set_interrupted(int signal);
int interrupt_signal();  // 0 if not interrupted

}  // namespace concbench

namespace concbench {
// In a freshly forked child: die with the parent (PR_SET_PDEATHSIG), leave SIGINT to the
// parent, keep only `keep_fd` (moved to descriptor 3) besides stdin/stdout/stderr, so that
// no descriptor of the parent's (another worker's socket, a listening socket) stays open.
// Returns the descriptor to use (3). Exits if the parent is already gone.
int become_child(int parent_pid, int keep_fd);
}  // namespace concbench
