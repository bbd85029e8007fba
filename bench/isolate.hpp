// Isolated runs: every benchmark runs in a fresh process of this binary, as
// pyperf's workers do, so that its memory, threads, heap and oneTBB scheduler are its own and
// no figure depends on what ran before. The parent calibrates once and passes the
// calibration down, shows the progress, turns each child's Google Benchmark JSON back into
// runs for the display and the results file, and stops a child within 2 s of SIGINT/SIGTERM
// (its process group is killed if it has not ended by then).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bench/reporter.hpp"

namespace concbench {

// Runs each of `names` (in order) as `/proc/self/exe <child_args> --run-one NAME`, reporting
// its runs to `tee`; `before`, if given, is called with each name before its process starts
// (to restore a service the run shares). Returns when all have run or the suite is interrupted.
void run_isolated(const std::vector<std::string>& names, const std::vector<std::string>& child_args,
                  TeeReporter& tee, const std::function<void(const std::string&)>& before = {});

// The runs of one child's JSON output (Google Benchmark's JSON reporter), numbered
// `family_index`. Throws std::runtime_error when `json_text` is not such output.
std::vector<benchmark::BenchmarkReporter::Run> runs_from_json(const std::string& json_text,
                                                              int64_t family_index);

}  // namespace concbench
