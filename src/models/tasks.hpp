// The one verb of every model file: run_tasks(engine, n, task, dispatch) runs tasks [0, n) on
// an engine and returns their results in task order, with one error line per task that
// failed. This header holds it for the engines whose workers block (ThreadPool, TbbArena,
// ThreadPerTask); the loops (event_loop.hpp) and the process pools (process_pool.hpp) have
// their own overloads of the same verb. Each blocking engine provides
//   std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>&,
//                                     Dispatch)
// which returns when every task has finished, with one error line per task that threw.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/case.hpp"
#include "core/system.hpp"

namespace concbench {

// Thrown by a task that sees the suite interrupted; the run ends as an error, not a number.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// How many I/O tasks a run keeps in flight: `lanes` workers (coroutines, suspendable tasks)
// each pull the next index (asyncio's Semaphore(C) pattern).
struct InFlight {
  std::size_t lanes;
};

// Guided self-scheduling (OpenMP's schedule(guided)), the chunking of every dispatch:map: a
// claim takes what is left / 2P, at least N / 64P, so that chunks are large while much is left
// and small at the end, where a large last chunk leaves the other workers idle (fixed chunks
// and contiguous shares were measured against it: docs/findings.md, "Measurements behind the
// code").
struct Guided {
  Guided(std::size_t tasks, std::size_t workers)
      : n(tasks), p(std::max<std::size_t>(1, workers)), least(std::max<std::size_t>(1, n / (64 * p))) {}
  std::size_t n, p, least;

  // The chunk a claim at `next` takes. REQUIRES: next < n.
  std::size_t chunk_at(std::size_t next) const {
    return std::min(n - next, std::max(least, (n - next) / (2 * p)));
  }
  // Claims the next chunk from an index shared by the workers: [first, last), empty when
  // nothing is left.
  std::pair<std::size_t, std::size_t> claim(std::atomic<std::size_t>& next) const {
    std::size_t b = next.load(std::memory_order_relaxed), c = 0;
    do {
      if (b >= n) return {n, n};
      c = chunk_at(b);
    } while (!next.compare_exchange_weak(b, b + c, std::memory_order_relaxed));
    return {b, b + c};
  }
  // Every chunk in claim order, for engines whose parent hands chunks to workers as they free.
  std::vector<std::pair<std::size_t, std::size_t>> chunks() const {
    std::vector<std::pair<std::size_t, std::size_t>> r;
    for (std::size_t b = 0; b < n; b += r.back().second - r.back().first) r.emplace_back(b, b + chunk_at(b));
    return r;
  }
};

// Where tasks dispatched one at a time put their results: one buffer per thread, merged into
// task order at the end, so that neighbouring tasks run by different workers never write the
// same cache line (16-byte results: four to a line).
class ScatteredResults {
 public:
  // REQUIRES: called by any number of threads, each task once.
  void put(std::size_t i, const TaskResult& r) {
    thread_local const ScatteredResults* owner = nullptr;
    thread_local uint64_t owner_run = 0;
    thread_local Lane* lane = nullptr;
    if (owner != this || owner_run != run_) {
      std::lock_guard lock(mu_);
      lane = &lanes_.emplace_back();
      owner = this;
      owner_run = run_;
    }
    lane->items.emplace_back(i, r);
  }
  // Writes every result put into `out` (sized by the caller).
  void into(std::vector<TaskResult>& out) const {
    for (const Lane& l : lanes_)
      for (const auto& [i, r] : l.items) out[i] = r;
  }

 private:
  struct alignas(64) Lane {
    std::vector<std::pair<std::size_t, TaskResult>> items;
  };
  static uint64_t next_run() {
    static std::atomic<uint64_t> n{0};
    return ++n;
  }
  const uint64_t run_ = next_run();  // tells this object from one later at the same address
  std::mutex mu_;
  std::deque<Lane> lanes_;
};

// Runs `task(i)` for every i in [0, n) on a blocking engine, handed to it as `dispatch` says.
// REQUIRES: `task` is callable as TaskResult(std::size_t), safe to call concurrently.
template <class Engine, class Task>
  requires requires(Engine& e, const std::function<void(std::size_t)>& body) {
    e.for_each(std::size_t{}, body, Dispatch::each);
  }
Batch run_tasks(Engine& engine, std::size_t n, Task&& task, Dispatch dispatch) {
  Batch batch;
  batch.results.resize(n);
  ScatteredResults scattered;
  auto guarded = [&](std::size_t i) {
    if (interrupted()) throw Interrupted();
    try {
      const TaskResult r = task(i);
      // map hands a worker a contiguous chunk: writing in place shares a line only at a
      // chunk's edges; each scatters neighbours over workers.
      if (dispatch == Dispatch::map)
        batch.results[i] = r;
      else
        scattered.put(i, r);
    } catch (const std::exception& e) {
      throw std::runtime_error("task " + std::to_string(i) + ": " + e.what());
    }
  };
  batch.errors = engine.for_each(n, guarded, dispatch);
  if (dispatch == Dispatch::each) scattered.into(batch.results);
  return batch;
}

// The tasks of one run, made by a workload for a model (register_tasks_model).
template <class Task>
struct TaskList {
  std::size_t n;
  Task task;  // TaskResult(std::size_t i)
  // What the workload wraps around each run, if anything: Batch(run), where run() runs the
  // tasks (a schedule started first, a probe around it, failures checked after).
  std::function<Batch(const std::function<Batch()>& run)> around = nullptr;
  // In a worker process, where the task needs state of its own there (a connection of its
  // own): child_connect() once in each worker before the timed runs, then child_task(i)
  // instead of task(i).
  std::function<void()> child_connect = nullptr;
  std::function<TaskResult(std::size_t)> child_task = nullptr;
};

// prepare(p, model) where the workload's prepare takes the model (its run differs in a worker
// process), else prepare(p).
template <class Prepare>
auto prepare_for(const Prepare& prepare, const Params& p, std::string_view model) {
  if constexpr (std::is_invocable_v<const Prepare&, const Params&, std::string_view>)
    return prepare(p, model);
  else
    return prepare(p);
}

// When a workload's run is prepared: after the engine has started (a forked pool must not
// copy the run's data), or before it (a server forked before any thread starts).
enum class Prepared { after_engine, before_engine };

// Registers `workload` on `model`, whose Engine takes independent tasks: run_tasks(engine, n,
// task, the point's dispatch), here or through an engine's own overload (ADL). `prepare(p)`
// is called after the engine has started (a forked pool must not copy the run's data) and
// returns the run's TaskList. The frame every model file of independent tasks shared, once.
template <class Engine, class Prepare>
bool register_tasks_model(const Workload& workload, const char* model,
                          std::vector<Params> (*grid)(const Suite&, std::string_view),
                          Prepare prepare, Prepared when = Prepared::after_engine,
                          Needs (*needs)(const std::string& model, const Params&) = nullptr) {
  return register_case({
      .workload = &workload,
      .model = model,
      .grid = [model, grid](const Suite& s) { return grid(s, model); },
      .make =
          [prepare, when, model](const Params& p) {
            std::unique_ptr<Engine> engine;
            if (when == Prepared::after_engine) engine = make_engine<Engine>(p);
            auto list = prepare_for(prepare, p, model);
            if (!engine) engine = make_engine<Engine>(p);
            return make_trial<Engine>(std::move(engine), [list, d = p.dispatch()](Engine& e) {
              if (!list.around) return run_tasks(e, list.n, list.task, d);
              return list.around([&] { return run_tasks(e, list.n, list.task, d); });
            });
          },
      .needs = needs ? std::function<Needs(const Params&)>([model, needs](const Params& p) {
        return needs(model, p);
      }) : std::function<Needs(const Params&)>(),
  });
}

}  // namespace concbench
