// What each model is, said once: how it waits (an event loop, a suspended task, or a blocked
// worker), what its workers are, which dispatch shapes it takes for independent tasks, and
// what it needs from the machine. Written into the context as concbench_model_kinds; the
// grids and the resource checks are derived from it; a test checks every registered model is
// here.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/case.hpp"

namespace concbench {

struct ModelKind {
  std::string_view model;
  // "loop": awaits I/O on an event loop; "suspend": a waiting task gives its thread back to
  // run others (a TBB async_node message or resumable task); "blocking": a worker blocks per
  // wait.
  std::string_view waits;
  std::string_view workers;  // "threads" or "processes"
  bool sized;                // has the `workers` parameter (coro is exactly one loop thread)
  bool each;                 // takes tasks one at a time (dispatch:each)
  bool map;                  // takes a whole range and chunks it (dispatch:map)
  bool per_task;             // a new thread or process per task: coarse grains only
  std::string_view shape;    // one line: what it is
  // The machine floor (bench/floors.cpp, context concbench_floors) of the primitive this
  // model's hand-off is built on: its per-task overhead is read as a multiple of it. A
  // yardstick, not a bound: a busy pool pays a thread switch only when a worker sleeps, so
  // dispatch:map (and a full queue) can go well below 1x.
  std::string_view floor;
  // How the report draws it, so that no script keeps a copy of the model list: its family
  // (loop, pool, scheduler, processes, per task, peer), and its colour, marker and line
  // (solid for the guide's models and tbb, dashed for the variants).
  std::string_view family = "";
  std::string_view colour = "";
  std::string_view marker = "o";
  std::string_view line = "dashed";
  // Which of the guide's three approaches (asyncio, threading, multiprocessing) this model
  // stands for in its claims, or "" (a variant): the report finds the guide's models by it.
  std::string_view stands_for = "";
  // What one of its units is, in words, where a scenario creates units one by one (spawn):
  // "a coroutine (co_spawn)"; "" where it has no unit of its own.
  std::string_view unit = "";
  // Runs tasks as a model of its own (engines.hpp): false where the engine is another row's,
  // differing only in how an I/O wait is made (tbb_blocking is tbb's arena), or for a peer.
  bool cpu = true;
};

// In the order the report shows them: the guide's three models and tbb, then the variants.
inline constexpr ModelKind kModelKinds[] = {
    {.model = "coro", .waits = "loop", .workers = "threads",
     .sized = false, .each = true, .map = true, .per_task = false,
     .shape = "one io_context on one thread, C++20 coroutines",
     .floor = "co_spawn_us",
     .family = "loop", .colour = "#1f77b4", .marker = "o", .line = "solid",
     .stands_for = "asyncio", .unit = "a coroutine (co_spawn)"},
    {.model = "threads", .waits = "blocking", .workers = "threads",
     .sized = true, .each = true, .map = true, .per_task = false,
     .shape = "a pool of P std::threads with one shared queue (ThreadPoolExecutor)",
     .floor = "thread_switch_us",
     .family = "pool", .colour = "#ff7f0e", .marker = "s", .line = "solid",
     .stands_for = "threading"},
    {.model = "tbb", .waits = "suspend", .workers = "threads",
     .sized = true, .each = true, .map = true, .per_task = false,
     .shape = "oneTBB task_arena(P) + task_group / parallel_for, work stealing; an I/O wait "
               "is an async_node message or a suspended task (tbb::task::suspend), its thread "
               "free meanwhile",
     .floor = "tbb_task_us",
     .family = "scheduler", .colour = "#2ca02c", .marker = "^", .line = "solid",
     .unit = "a suspended TBB task"},
    {.model = "tbb_blocking", .waits = "blocking", .workers = "threads",
     .sized = true, .each = true, .map = false, .per_task = false,
     .shape = "oneTBB task_arena(P) whose tasks block in I/O: one thread per wait",
     .floor = "tbb_task_us",
     .family = "scheduler", .colour = "#bcbd22", .marker = "<", .line = "dashed",
     .cpu = false},
    {.model = "procs", .waits = "blocking", .workers = "processes",
     .sized = true, .each = true, .map = true, .per_task = false,
     .shape = "P pre-forked worker processes, tasks over socketpairs (multiprocessing.Pool)",
     .floor = "process_switch_us",
     .family = "processes", .colour = "#d62728", .marker = "D", .line = "solid",
     .stands_for = "multiprocessing"},
    {.model = "coro_mt", .waits = "loop", .workers = "threads",
     .sized = true, .each = true, .map = true, .per_task = false,
     .shape = "one io_context per worker thread",
     .floor = "co_spawn_us",
     .family = "loop", .colour = "#9467bd", .marker = "v", .line = "dashed"},
    {.model = "procs_coro", .waits = "loop", .workers = "processes",
     .sized = true, .each = false, .map = true, .per_task = false,
     .shape = "one io_context per pre-forked worker process, each handed a shard of the tasks",
     .floor = "process_switch_us",
     .family = "processes", .colour = "#8c564b", .marker = "P", .line = "dashed"},
    {.model = "thread_per_task", .waits = "blocking", .workers = "threads",
     .sized = true, .each = true, .map = false, .per_task = true,
     .shape = "a new std::thread per task, at most P alive",
     .floor = "thread_create_join_us",
     .family = "per task", .colour = "#e377c2", .marker = "X", .line = "dashed",
     .unit = "a thread"},
    {.model = "fork_per_task", .waits = "blocking", .workers = "processes",
     .sized = true, .each = true, .map = false, .per_task = true,
     .shape = "a fork() per task, at most P alive",
     .floor = "fork_small_us",
     .family = "per task", .colour = "#7f7f7f", .marker = "*", .line = "dashed",
     .unit = "a fork()"},
    {.model = "fibers", .waits = "suspend", .workers = "threads",
     .sized = true, .each = true, .map = true, .per_task = false,
     .shape = "Boost.Fiber: one fiber per task on P threads sharing them by work stealing "
               "(M:N, as gevent or goroutines); a wait parks the fiber and frees its thread; a "
               "task comes in through a fiber channel that wakes a pool thread",
     .floor = "thread_switch_us",
     .family = "fibers", .colour = "#e7298a", .marker = "1", .line = "dashed",
     .unit = "a fiber"},
    {.model = "threads_ws", .waits = "blocking", .workers = "threads",
     .sized = true, .each = true, .map = true, .per_task = false,
     .shape = "a pool of P std::threads, one queue each, idle workers steal (ForkJoinPool's shape)",
     .floor = "thread_switch_us",
     .family = "pool", .colour = "#17a589", .marker = "8", .line = "dashed"},
    {.model = "exec_per_task", .waits = "blocking", .workers = "processes",
     .sized = false, .each = true, .map = false, .per_task = true,
     .shape = "a posix_spawn() of a tiny program per task (spawn only)",
     .floor = "fork_small_us",
     .family = "per task", .colour = "#a0522d", .marker = "H", .line = "dashed",
     .unit = "a posix_spawn() of a tiny program"},
    {.model = "wrk", .waits = "loop", .workers = "threads",
     .sized = true, .each = false, .map = false, .per_task = false,
     .shape = "not a model: the peer tool wrk (C, one epoll loop per thread) on the same "
               "server, its figures beside the http clients'",
     .floor = "",
     .family = "peer", .colour = "#000000", .marker = "x", .line = "dotted"},
    {.model = "pgbench", .waits = "loop", .workers = "threads",
     .sized = true, .each = false, .map = false, .per_task = false,
     .shape = "not a model: the peer tool pgbench (C, libpq, one poll loop per -j thread) on "
               "the same PostgreSQL, its figures beside the db clients'",
     .floor = "",
     .family = "peer", .colour = "#000000", .marker = "+", .line = "dotted"},
};

// Peers: the field's own tools, run on the same servers so that the models' figures stand
// beside theirs; never ranked among the models (the report leaves them out of its columns).
inline constexpr std::string_view kPeers[] = {"wrk", "pgbench"};
inline bool is_peer(std::string_view model) {
  for (auto p : kPeers)
    if (p == model) return true;
  return false;
}

inline std::optional<ModelKind> model_kind(std::string_view model) {
  for (const auto& k : kModelKinds)
    if (k.model == model) return k;
  return std::nullopt;
}

// The dispatch shapes `model` takes, each first.
inline std::vector<Dispatch> dispatches(std::string_view model) {
  std::vector<Dispatch> d;
  if (auto k = model_kind(model)) {
    if (k->each) d.push_back(Dispatch::each);
    if (k->map) d.push_back(Dispatch::map);
  }
  return d;
}

// What one grid point of `model` needs beyond the parent: its workers as threads or processes
// (a process also holds one socket), plus `descriptors_per_worker` (connections).
inline Needs model_needs(std::string_view model, const Params& p,
                         int64_t descriptors_per_worker = 0) {
  const auto k = model_kind(model);
  const int64_t w = p.get_or("workers", 1);
  Needs n;
  if (k && k->workers == "processes") {
    n.processes = w;
    n.descriptors = w;
  } else {
    n.threads = w;
  }
  n.descriptors += w * descriptors_per_worker;
  return n;
}

// `points` with the dispatch shapes of `model`: each point once per shape, `dispatch` placed
// after `workers` (first where there is none), as in cpu.spin/tbb/workers:2/dispatch:map/...
inline std::vector<Params> with_dispatch(std::string_view model, const std::vector<Params>& points) {
  std::vector<Params> out;
  for (const Params& pt : points)
    for (Dispatch d : dispatches(model)) {
      Params p;
      if (pt.has("workers")) p.set("workers", pt.get("workers"));
      p.set("dispatch", int64_t(d));
      for (auto& [k, v] : pt.items()) p.set(k, v);
      out.push_back(p);
    }
  return out;
}

// The worker points of `model` in `s`: {} for a model without the parameter (one point).
inline std::vector<Params> worker_points(const Suite& s, std::string_view model,
                                         std::vector<int64_t> extra = {}) {
  const auto k = model_kind(model);
  return s.worker_points(k && k->sized, std::move(extra));
}

}  // namespace concbench
