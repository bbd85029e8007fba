// The engines, each beside the model it is: the one place a model's engine type is named for
// the workloads. A workload whose task is plain work (a TaskResult(std::size_t) callable, the
// same on every engine) registers on every model here that fits with register_on_engines(),
// one call instead of one file per model; adding a model is its engine, its row in kinds.hpp
// and its line here. The process engines (procs, fork_per_task) take the same task, copied
// into their children by the fork, where the workload allows it (Fit::processes); a workload
// whose data must be made after the fork, or sent to the children, keeps a file for them.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "models/event_loop.hpp"
#include "models/kinds.hpp"
#include "models/process_pool.hpp"
#include "models/procs_coro.hpp"
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
  // procs and fork_per_task too: the run is prepared before their fork, and their children
  // run the task as it is; `depth`: messages in flight per procs worker (0: the pool's two;
  // 1 for waits, so that none queues behind another worker's wait while a worker is free).
  bool processes = false;
  std::size_t depth = 0;
  Prepared when = Prepared::after_engine;
  Needs (*needs)(const std::string& model, const Params&) = nullptr;
};

inline bool fits(const ModelKind& k, const Fit& fit) {
  if (k.workers == "processes" && !fit.processes) return false;
  if (std::find(fit.without.begin(), fit.without.end(), k.model) != fit.without.end()) return false;
  if (k.per_task && !fit.per_task) return false;
  if (!fit.blocking) return k.cpu;
  if (k.waits == "blocking") return k.cpu || !fit.suspend_blocks;
  return k.waits == "suspend" && fit.suspend_blocks;
}

// Runs `run` inside the list's `around`, where it has one.
template <class List, class Run>
Batch run_listed(const List& list, Run&& run) {
  return list.around ? list.around(run) : run();
}

// A case of `workload` on `model` whose grid is the workload's for that model.
template <class Make>
Case case_on(const Workload& workload, const char* model,
             std::vector<Params> (*grid)(const Suite&, std::string_view), Make make,
             Needs (*needs)(const std::string&, const Params&)) {
  return {.workload = &workload,
          .model = model,
          .grid = [model, grid](const Suite& s) { return grid(s, model); },
          .make = std::move(make),
          .needs = needs ? std::function<Needs(const Params&)>([model, needs](const Params& p) {
            return needs(model, p);
          }) : std::function<Needs(const Params&)>()};
}

// The same on the process engines, the run prepared before their fork: a pool of P forked
// workers running task_handler(task) (procs), one loop per worker process running guided
// chunks of it (procs_coro, map only), and a fork per task (fork_per_task).
template <class Prepare>
void register_on_processes(const Workload& workload,
                           std::vector<Params> (*grid)(const Suite&, std::string_view), Prepare prepare,
                           const Fit& fit) {
  const auto fit_for = [&](const char* model) { return model_kind(model) && fits(*model_kind(model), fit); };
  if (fit_for("procs"))
    register_case(case_on(workload, "procs", grid, [prepare, depth = fit.depth](const Params& p) {
      auto list = prepare_for(prepare, p, "procs");
      ProcessPool::Handler handler =
          task_handler(list.child_task ? list.child_task : std::function<TaskResult(std::size_t)>(list.task));
      if (list.child_connect)
        handler = [farm = std::move(handler), connect = list.child_connect](std::string_view payload) -> std::string {
          if (payload != "connect") return farm(payload);
          connect();
          return {};
        };
      auto pool = std::make_unique<ProcessPool>(p.get("workers"), std::move(handler));
      if (list.child_connect)  // every worker connected before the timed runs, as the other models are
        for (const Reply& r : pool->broadcast("connect"))
          if (!r.ok) throw std::runtime_error(r.data);
      return make_trial<ProcessPool>(std::move(pool), [list, d = p.dispatch(), depth](ProcessPool& e) {
        return run_listed(list, [&] { return run_tasks(e, list.n, d, depth); });
      });
    }, fit.needs));
  if (fit_for("procs_coro") && !fit.blocking)
    register_case(case_on(workload, "procs_coro", grid, [prepare](const Params& p) {
      auto list = prepare_for(prepare, p, "procs_coro");
      auto pool = std::make_unique<ProcessPool>(
          p.get("workers"), shard_handler([task = list.task](std::size_t i, std::size_t) -> asio::awaitable<TaskResult> {
            co_return task(i);
          }));
      return make_trial<ProcessPool>(std::move(pool), [list](ProcessPool& e) {
        return run_listed(list, [&] { return run_tasks(e, list.n, InFlight{e.workers()}); });
      });
    }, fit.needs));
  if (fit_for("fork_per_task"))
    register_case(case_on(workload, "fork_per_task", grid, [prepare](const Params& p) {
      auto list = prepare_for(prepare, p, "fork_per_task");
      return make_trial<ForkPerTask>(make_engine<ForkPerTask>(p), [list](ForkPerTask& e) {
        return run_listed(list, [&] { return run_tasks(e, list.n, list.task); });
      });
    }, fit.needs));
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
  if (fit.processes) register_on_processes(workload, grid, prepare, fit);
  return true;
}

// A workload's I/O tasks on a loop: n tasks, `lanes` of them in flight (asyncio's
// Semaphore(C) pattern), each an awaitable.
struct LoopTasks {
  std::size_t n;
  std::size_t lanes;
  AsyncTask task;
  std::function<Batch(const std::function<Batch()>& run)> around = nullptr;
};

inline std::vector<asio::io_context*> loop_contexts(EventLoop& loop) { return {&loop.context()}; }
inline std::vector<asio::io_context*> loop_contexts(LoopGroup& group) {
  std::vector<asio::io_context*> loops;
  for (std::size_t k = 0; k < group.workers(); ++k) loops.push_back(&group.loop(k).context());
  return loops;
}

// Registers `workload` on every in-process loop model (waits "loop" with thread workers: coro,
// coro_mt). prepare(p) runs before the engine starts (a server is forked before any thread)
// and returns on(loops), called once the loops exist (sockets are made on them), which
// returns the run's LoopTasks.
// Which loop models a workload's awaitable fits: `processes`, procs_coro too (one loop per
// worker process, each running a shard; on(loops) is then called before the fork with no
// loops, so the tasks must not need them).
struct LoopFit {
  bool processes = false;
  Needs (*needs)(const std::string& model, const Params&) = nullptr;
};

template <class Prepare>
bool register_on_loops(const Workload& workload,
                       std::vector<Params> (*grid)(const Suite&, std::string_view), Prepare prepare,
                       LoopFit fit = {}) {
  const auto needs = fit.needs;
  for_each_engine([&]<class Engine>(const char* model) {
    if constexpr (requires(Engine& e) { loop_contexts(e); }) {
      const auto k = model_kind(model);
      if (!k || k->waits != "loop" || k->workers != "threads") return;
      register_case(case_on(workload, model, grid, [prepare](const Params& p) {
        auto on = prepare(p);
        auto engine = make_engine<Engine>(p);
        auto list = std::make_shared<LoopTasks>(on(loop_contexts(*engine)));
        return make_trial<Engine>(std::move(engine), [list](Engine& e) {
          return run_listed(*list, [&] { return run_tasks(e, list->n, InFlight{list->lanes}, list->task); });
        });
      }, needs));
    }
  });
  if (fit.processes)
    register_case(case_on(workload, "procs_coro", grid, [prepare](const Params& p) {
      auto list = std::make_shared<LoopTasks>(prepare(p)({}));
      auto pool = std::make_unique<ProcessPool>(p.get("workers"), shard_handler(list->task));
      return make_trial<ProcessPool>(std::move(pool), [list](ProcessPool& e) {
        return run_listed(*list, [&] { return run_tasks(e, list->n, InFlight{list->lanes}); });
      });
    }, needs));
  return true;
}

}  // namespace concbench
