// The machine's floors (question 3): what the cheapest unit of each model costs on
// this machine, measured once at the start of every run and written into the results file's
// context (concbench_floors), so that each model's per-task overhead is read against the
// primitive its hand-off is built on (models/kinds.hpp): a thread switch for a pool whose
// worker sleeps, a process switch for a process pool, a co_spawn for a loop. A yardstick, not
// a bound: a busy pool spreads a wake-up over many tasks.
#pragma once

#include <nlohmann/json.hpp>

namespace concbench {

// {"thread_switch_us": {"value": 2.1, "unit": "us", "how": "..."}, ...}; each the median of
// five measurements, about 0.5 s in all. Measured in a forked child, so that this process
// starts no thread pool, no loop and no oneTBB scheduler of its own (oneTBB fixes its thread
// cap when its scheduler first starts). An empty object if the child fails.
nlohmann::ordered_json measure_floors();

}  // namespace concbench
