// What each model is, for readers of the results (written into the context as
// concbench_model_kinds): how it waits (an event loop, or a blocked worker) and what its
// workers are. The one place this is said; a test checks every registered model is here.
#pragma once

#include <optional>
#include <string_view>

namespace concbench {

struct ModelKind {
  std::string_view model;
  std::string_view waits;    // "loop": awaits I/O; "blocking": a worker blocks per wait
  std::string_view workers;  // "threads" or "processes"
  std::string_view shape;    // one line: what it is
};

inline constexpr ModelKind kModelKinds[] = {
    {"coro", "loop", "threads", "one io_context on one thread, C++20 coroutines"},
    {"coro_mt", "loop", "threads", "one io_context per worker thread"},
    {"procs_coro", "loop", "processes", "one io_context per pre-forked worker process"},
    {"threads", "blocking", "threads", "a pool of P std::threads with one shared queue"},
    {"tbb", "blocking", "threads", "oneTBB task_arena(P) + task_group, work stealing"},
    {"thread_per_task", "blocking", "threads", "a new std::thread per task, at most P alive"},
    {"procs", "blocking", "processes", "P pre-forked worker processes, tasks over socketpairs"},
    {"fork_per_task", "blocking", "processes", "a fork() per task, at most P alive"},
};

inline std::optional<ModelKind> model_kind(std::string_view model) {
  for (const auto& k : kModelKinds)
    if (k.model == model) return k;
  return std::nullopt;
}

}  // namespace concbench
