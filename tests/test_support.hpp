// Helpers shared by the tests: the child processes of this process, to prove that nothing
// is left behind.
#pragma once

#include <sys/types.h>

#include <vector>

#include <utility>

#include "core/case.hpp"

namespace concbench::test {

// Every registered case at every point of the quick suite, shrunk to test size (few tasks,
// waits of at most 2 ms, grains of at most 100 us, at most 16 in flight), CPU points also at 1
// and 3 workers.
std::vector<std::pair<const Case*, Params>> small_points();

// Direct children of this process that still exist (running or zombie), from /proc.
std::vector<pid_t> live_children();
// Children that are zombies (exited, not reaped).
std::vector<pid_t> zombie_children();

}  // namespace concbench::test
