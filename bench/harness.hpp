// Turns a registered case into a Google Benchmark function: set-up outside the timed loop,
// one run of the workload per iteration, the checksum verified against the sequential
// reference, the counters of counters.hpp.
#pragma once

#include <benchmark/benchmark.h>

#include <string>

#include "core/case.hpp"

namespace concbench {

// The error message of a benchmark cut short by SIGINT/SIGTERM: such entries are dropped
// from the results (they are not results), and the suite ends.
inline constexpr const char* kInterruptedMessage = "concbench: interrupted";
// Error messages starting with this are skips (a level this machine cannot reach), not
// failures: they do not make the exit code 1.
inline constexpr const char* kSkipPrefix = "skipped: ";

// Called at the start of every benchmark function; the progress line shows it.
void set_progress_hook(void (*hook)(const std::string& name));

void run_case(benchmark::State& state, const Case& c, const Params& p, const std::string& name);

}  // namespace concbench
