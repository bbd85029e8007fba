// The in-process engines, each beside the model it is: the one place a model's engine type is
// named for the workloads. A workload whose task is plain work (a TaskResult(std::size_t)
// callable, the same on every engine) registers on every model here that fits with
// register_on_engines(), one call instead of one file per model; adding an in-process model
// is its engine, its row in kinds.hpp and its line here. The process engines (procs,
// fork_per_task, procs_coro) hand tasks across a fork: a workload keeps a file for them where
// its data must be made on one side of the fork or the other.
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "models/event_loop.hpp"
#include "models/kinds.hpp"
#include "models/stealing_pool.hpp"
#include "models/tasks.hpp"
#include "models/tbb_arena.hpp"
#include "models/thread_per_task.hpp"
#include "models/thread_pool.hpp"
#ifdef CONCBENCH_HAS_FIBERS
#include "models/fibers/fiber_pool.hpp"
#endif

namespace concbench {

// Calls visit.template operator()<Engine>(model) for each in-process engine, in kinds.hpp's
// order.
template <class Visit>
void for_each_engine(Visit&& visit) {
  visit.template operator()<EventLoop>("coro");
  visit.template operator()<ThreadPool>("threads");
  visit.template operator()<TbbArena>("tbb");
  visit.template operator()<TbbArena>("tbb_blocking");
  visit.template operator()<LoopGroup>("coro_mt");
  visit.template operator()<ThreadPerTask>("thread_per_task");
#ifdef CONCBENCH_HAS_FIBERS
  visit.template operator()<FiberPool>("fibers");
#endif
  visit.template operator()<StealingPool>("threads_ws");
}

// Which of the engines a workload's task fits, said by the workload.
struct Fit {
  // false: plain work, on every model that runs tasks of its own (ModelKind::cpu);
  // true: a task that blocks its thread while it waits, on the models whose workers block.
  bool blocking = false;
  // blocking: the wait has no suspending form (a synchronous read, the blocking call under
  // test), so the models that suspend (tbb, fibers) run it as it is, their thread blocked, and
  // tbb_blocking, tbb's own arena, is not a model of its own here.
  bool suspend_blocks = false;
  bool per_task = false;  // a thread per task: only where the tasks are coarse
  std::vector<std::string_view> without = {};  // left out, each with its why at the call
  Prepared when = Prepared::after_engine;
  Needs (*needs)(const std::string& model, const Params&) = nullptr;
};

inline bool fits(const ModelKind& k, const Fit& fit) {
  if (std::find(fit.without.begin(), fit.without.end(), k.model) != fit.without.end()) return false;
  if (k.per_task && !fit.per_task) return false;
  if (!fit.blocking) return k.cpu;
  if (k.waits == "blocking") return k.cpu || !fit.suspend_blocks;
  return k.waits == "suspend" && fit.suspend_blocks;
}

// Registers `workload` on every in-process model that `fit` allows: run_tasks(engine, n, task,
// the point's dispatch) over prepare(p)'s TaskList.
template <class Prepare>
bool register_on_engines(const Workload& workload,
                         std::vector<Params> (*grid)(const Suite&, std::string_view), Prepare prepare,
                         Fit fit = {}) {
  for_each_engine([&]<class Engine>(const char* model) {
    if (const auto k = model_kind(model); k && fits(*k, fit))
      register_tasks_model<Engine>(workload, model, grid, prepare, fit.when, fit.needs);
  });
  return true;
}

}  // namespace concbench
