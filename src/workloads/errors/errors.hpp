// errors (docs/questions.md question 6): gather(return_exceptions=True). N tasks of grain_us of CPU
// work each; the tasks picked by fail_pct then fail: they throw (fail:throw), or, on the
// process models, their worker dies mid-task (fail:abort, fail:segv). Every model hands back
// every result and every error: a task's outcome is its value, or a failure naming it; the
// check is that successes + failures = tasks and that the failed tasks are exactly the picked
// ones (the checksum of the outcomes against the reference's). The failure path's cost is
// the time at fail_pct:100 against fail_pct:0.
// Params: [workers], dispatch (each: one task at a time, so that a failure is one task's),
// fail (a word), fail_pct; tasks, grain_us (optional).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "models/tasks.hpp"

namespace concbench::errors {

const Workload& workload();

enum class Fail : int64_t { throws, abort, segv };

struct Config {
  Fail fail;
  int64_t fail_pct;
  std::size_t tasks;
  uint64_t iterations;  // of spin() per task
};
Config config(const Params& p);

// Whether task i is one of those that fail (fail_pct of them, spread by a hash).
bool picked(std::size_t i, const Config& c);
// The task: its work, then its failure if picked (throw; in a worker process, abort or
// SIGSEGV with no core dump).
TaskResult task(std::size_t i, const Config& c);
// A model's raw batch (the engine's per-task error lines "task i: ...") turned into outcomes:
// each failed task becomes its failure value; an error line that names no task, or a failure
// not of the kind injected, stays an error. Adds the figures failures and successes.
Batch outcomes(Batch raw, const Config& c);

// The grid of `model`: throw on every model; abort and segv on process models.
std::vector<Params> grid(const Suite& s, std::string_view model, bool processes);

}  // namespace concbench::errors
