// Helpers shared by the tests: the child processes of this process, to prove that nothing
// is left behind.
#pragma once

#include <sys/types.h>

#include <vector>

namespace concbench::test {

// Direct children of this process that still exist (running or zombie), from /proc.
std::vector<pid_t> live_children();
// Children that are zombies (exited, not reaped).
std::vector<pid_t> zombie_children();

}  // namespace concbench::test
