// The grid shapes shared by the I/O workloads (io.sleep, io.echo, mixed): a loop model has
// no worker count; a blocking model needs one worker per in-flight wait, so its workers equal
// the concurrency (ThreadPoolExecutor(max_workers=C)); a row with fewer workers shows queueing.
#pragma once

#include <cstdint>
#include <vector>

#include "core/case.hpp"

namespace concbench {

enum class IoShape {
  loop,      // coro: one loop, no workers parameter
  loops,     // coro_mt, procs_coro: one loop per core
  blocking,  // threads, tbb, procs, ...: workers = concurrency
};

// Expands (concurrency, other params...) points into named params for `shape`.
// `queueing` adds, for blocking models, rows with workers = cores < concurrency (where
// those finish within about 2 s).
std::vector<Params> io_points(const Suite& s, IoShape shape,
                              const std::vector<Params>& points, bool queueing = false);

}  // namespace concbench
