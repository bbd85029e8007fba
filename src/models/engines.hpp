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
  visit.template operator()<LoopGroup>("coro_mt");
  visit.template operator()<ThreadPerTask>("thread_per_task");
#ifdef CONCBENCH_HAS_FIBERS
  visit.template operator()<FiberPool>("fibers");
#endif
  visit.template operator()<StealingPool>("threads_ws");
}

// Which of the engines a workload's task fits, said by the workload: a thread per task only
// where its tasks are coarse (per_task); `without`: models it leaves out, each with its why in
// the workload's file.
struct Fit {
  bool per_task = false;
  std::vector<std::string_view> without = {};
};

// Registers `workload` on every in-process model whose row says it runs tasks of its own
// (ModelKind::cpu: tbb_blocking is tbb's engine) and that `fit` allows: run_tasks(engine, n,
// task, the point's dispatch) over prepare(p)'s TaskList (prepared after the engine started).
template <class Prepare>
bool register_on_engines(const Workload& workload,
                         std::vector<Params> (*grid)(const Suite&, std::string_view), Prepare prepare,
                         Fit fit = {}) {
  for_each_engine([&]<class Engine>(const char* model) {
    const auto k = model_kind(model);
    if (!k || !k->cpu || (k->per_task && !fit.per_task)) return;
    if (std::find(fit.without.begin(), fit.without.end(), std::string_view(model)) != fit.without.end()) return;
    register_tasks_model<Engine>(workload, model, grid, prepare);
  });
  return true;
}

}  // namespace concbench
