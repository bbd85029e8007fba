// Running N independent tasks on a blocking engine (ThreadPool, TbbArena, ThreadPerTask):
// the shape of ThreadPoolExecutor.map. Each engine provides
//   std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>&, Grain)
// which returns when every task has finished, with one error line per task that threw.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>

#include "core/case.hpp"
#include "core/system.hpp"

namespace concbench {

// How an engine may schedule the tasks of one for_each.
enum class Grain {
  fine,      // CPU tasks: the engine may batch them (TBB's auto_partitioner, chunked IPC)
  blocking,  // tasks that block: one per worker at a time, never batched behind a blocked one
};

// Thrown by a task that sees the suite interrupted; the run ends as an error, not a number.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// Runs `task(i)` for every i in [0, n) on `engine`; results in task order.
// REQUIRES: `task` is safe to call concurrently from the engine's workers.
template <class Engine, class Task>
Batch run_blocking(Engine& engine, std::size_t n, Task&& task, Grain grain = Grain::fine) {
  Batch batch;
  batch.results.resize(n);
  batch.errors = engine.for_each(
      n,
      [&](std::size_t i) {
        if (interrupted()) throw Interrupted();
        try {
          batch.results[i] = task(i);
        } catch (const std::exception& e) {
          throw std::runtime_error("task " + std::to_string(i) + ": " + e.what());
        }
      },
      grain);
  return batch;
}

}  // namespace concbench
