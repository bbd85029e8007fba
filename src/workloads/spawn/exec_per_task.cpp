// spawn on `exec_per_task`: posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) + exec, so the
// parent's size does not matter) of concbench-unit, a tiny program that arrives on its
// stdout, reads its gate byte from its stdin and exits 0 if it was 'G'.
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <stdexcept>

#include "core/fault.hpp"
#include "core/system.hpp"
#include "workloads/spawn/spawn.hpp"

extern char** environ;

namespace concbench::spawn {
namespace {

struct Program {
  std::string path = helper_program("concbench-unit", "the tiny program spawn/exec_per_task starts");
};

const bool registered = register_case({
    .workload = &workload(),
    .model = "exec_per_task",
    .grid = [](const Suite& s) { return grid(s, true); },
    .make =
        [](const Params& p) {
          const Config c = config(p);
          auto program = std::make_unique<Program>();
          auto ballast = std::make_shared<Ballast>(c.parent_mb);
          return make_trial<Program>(std::move(program), [c, ballast](Program& prog) {
            return run_processes(
                c.units,
                [&](std::size_t, int arrive_fd, int gate_fd) -> int {
                  posix_spawn_file_actions_t fa;
                  posix_spawn_file_actions_init(&fa);
                  posix_spawn_file_actions_adddup2(&fa, gate_fd, 0);
                  posix_spawn_file_actions_adddup2(&fa, arrive_fd, 1);
                  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
                  char* argv[] = {const_cast<char*>("concbench-unit"),
                                  const_cast<char*>(fault::skip_wait() ? "--no-wait" : nullptr),
                                  nullptr};
                  pid_t pid = -1;
                  const int err = posix_spawn(&pid, prog.path.c_str(), &fa, nullptr, argv, environ);
                  posix_spawn_file_actions_destroy(&fa);
                  if (err != 0) {
                    errno = err;
                    return -1;
                  }
                  return pid;
                },
                [](std::size_t) { return 0; });
          });
        },
    .needs =
        [](const Params& p) {
          Needs n{.processes = int64_t(config(p).units)};
          n.unavailable = helper_missing("concbench-unit", "the tiny program spawn/exec_per_task starts");
          return n;
        },
});

}  // namespace
}  // namespace concbench::spawn
