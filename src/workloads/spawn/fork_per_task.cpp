// spawn on `fork_per_task`: one fork() per unit; the child arrives (one byte on a pipe),
// blocks in read() on the gate pipe, and _exits with a status the parent checks (waitpid).
// parent_mb: the parent made larger first, so that fork copies more page tables.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/fault.hpp"
#include "workloads/spawn/spawn.hpp"

namespace concbench::spawn {
namespace {

int fork_unit(std::size_t i, int arrive_fd, int gate_fd) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // The child: async-signal-safe calls only (the parent may have other threads).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(102);
  const char a = 'r';
  if (write(arrive_fd, &a, 1) != 1) _exit(103);
  int status = int(i % 100);
  if (!fault::skip_wait()) {
    char g = 0;
    status = read(gate_fd, &g, 1) == 1 && g == 'G' ? int(i % 100) : 101;
  }
  _exit(status);
}

const bool registered = register_case({
    .workload = &workload(),
    .model = "fork_per_task",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          return make_trial<Ballast>(std::make_unique<Ballast>(c.parent_mb), [c](Ballast&) {
            return run_processes(c.units, fork_unit, [](std::size_t i) { return int(i % 100); });
          });
        },
    .needs = [](const Params& p) { return Needs{.processes = int64_t(config(p).units)}; },
});

}  // namespace
}  // namespace concbench::spawn
