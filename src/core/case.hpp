// The vocabulary every workload and model shares: parameters, task results, a workload's
// description, one set-up model+workload ("trial"), and the registry of cases.
// Nothing here knows Google Benchmark or JSON: bench/ turns cases into benchmarks.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/usage.hpp"

namespace concbench {

// How an engine is handed independent tasks (docs/questions.md, "Dispatch is named"); the parameter
// `dispatch` of a grid point, written as its word in the name (dispatch:each, dispatch:map).
enum class Dispatch : int64_t {
  each = 0,  // one task at a time: co_spawn / post, task_group::run, one message, one queue entry
  map = 1,   // the whole range at once, chunked as the engine's experts do (parallel_for, Pool.map)
};
std::string_view dispatch_name(Dispatch d);

// A parameter whose values are words (dispatch:map, block:sleep): Params holds the word's
// index in `words`, the name shows the word. A workload declares its own from a static
// initialiser (adding a workload is one folder); "dispatch" is declared here. Returns true.
bool register_words(const std::string& param, std::vector<std::string> words);
// The word of `value` for a word parameter, or nothing when `param` takes integers.
std::optional<std::string> param_word(std::string_view param, int64_t value);
// Every word parameter and its words, in declaration order (for the context).
const std::vector<std::pair<std::string, std::vector<std::string>>>& word_params();

// One point of a benchmark's grid, in name order: {{"workers", 2}, {"grain_us", 1000}} is
// named ".../workers:2/grain_us:1000". Names are those of docs/questions.md. `dispatch` holds a
// Dispatch and is written as its word: {"dispatch", int64_t(Dispatch::map)} is "dispatch:map".
class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::pair<std::string, int64_t>> kv) : kv_(kv) {}

  // Adds `name` or replaces its value (keeps its position).
  Params& set(const std::string& name, int64_t value);
  bool has(std::string_view name) const;
  // REQUIRES: has(name); throws std::out_of_range naming the parameter otherwise.
  int64_t get(std::string_view name) const;
  int64_t get_or(std::string_view name, int64_t fallback) const;
  const std::vector<std::pair<std::string, int64_t>>& items() const { return kv_; }
  // "workers:2/dispatch:map/grain_us:1000"
  std::string str() const;
  // The dispatch of this point; each where the workload has none (I/O: one wait per worker).
  Dispatch dispatch() const { return Dispatch(get_or("dispatch", int64_t(Dispatch::each))); }

 private:
  std::vector<std::pair<std::string, int64_t>> kv_;
};

// What one task hands back: a value that enters the checksum, and for I/O its latency.
struct TaskResult {
  uint64_t value = 0;
  uint64_t latency_ns = 0;
};

// The outcome of one run of a workload: one result per task, in task order, and the errors
// (one line each) of the tasks that failed. A run with errors has no valid checksum.
struct Batch {
  std::vector<TaskResult> results;
  std::vector<std::string> errors;
  // Scenario figures of this run, named in Workload::figures: the harness writes the mean
  // over runs (a figure named *_max: the largest).
  std::vector<std::pair<std::string, double>> figures{};
  // Scenario samples (e.g. a probe's lateness, us), named in Workload::figures: the harness
  // pools every run's and writes <name>_p50, <name>_p99 and <name>_max.
  std::vector<std::pair<std::string, std::vector<float>>> samples{};
};

// Order-independent: the same multiset of task values gives the same checksum, whatever the
// completion order; a lost, duplicated or wrong task changes it.
uint64_t checksum(const std::vector<TaskResult>& results);

// splitmix64: the mixing step used for checksums and deterministic data.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

enum class Kind {
  cpu,    // limit: speedup over the sequential reference, on min(workers, cores)
  io,     // limit: the ideal makespan for the concurrency asked
  start,  // the cost of starting a model; no limit
  // One of the guide's questions (docs/questions.md): its own figures (Workload::figures), checked
  // by the workload itself (a task that skipped its wait or its work is an error line).
  scenario,
};

// A figure a scenario reports beside the common counters: its name in the JSON, its unit and
// what it means (written into the context's concbench_counters). `sampled`: Batch::samples
// carries it, and the JSON has <name>_p50, <name>_p99 and <name>_max.
struct Figure {
  std::string name;
  std::string unit;
  std::string meaning;
  bool sampled = false;
};

// A reference that needs no preparation: `run(p)` is the whole of it.
template <class Run>
auto unprepared(Run run) {
  return [run](const Params& p) -> std::function<Batch()> { return [run, p] { return run(p); }; };
}

// A workload: what is computed, independent of who computes it.
struct Workload {
  std::string name;  // "cpu.spin"
  Kind kind = Kind::cpu;
  // The same tasks, one after another on the calling thread, without concurrency. Called
  // with the parameters, it prepares the data (untimed) and returns the run (timed), as the
  // models' trials do. For I/O workloads the expected values are computed without waiting
  // (their limit is ideal_seconds).
  std::function<std::function<Batch()>(const Params&)> reference{};
  // Work items in one run (items_per_second and cpu_per_item_us count these). Empty for a
  // peer, a tool of the field run for a fixed time that counts its own transactions: its
  // figures say its rate and CPU; one run of it is not an item.
  std::function<int64_t(const Params&)> items{};
  // Bytes moved per run, where that is the point (ipc); empty otherwise.
  std::function<int64_t(const Params&)> bytes{};
  // I/O: the shortest possible run on `cores` cores at the concurrency asked.
  std::function<double(const Params&, int cores)> ideal_seconds{};
  // I/O: the least a run can take for certain, which a shorter one proves its waits were
  // skipped; empty: ideal_seconds. Differs where the ideal includes calibrated CPU work
  // (mixed), which a faster moment of the machine runs a little quicker than calibrated.
  std::function<double(const Params&, int cores)> floor_seconds{};
  // I/O: operations in flight at once (memory per in-flight operation divides by this).
  std::function<int64_t(const Params&)> in_flight{};
  // I/O: the least time every task must take (its wait), in microseconds; a task that took
  // less skipped or cut short its wait, and the run is an error. Empty: no floor.
  std::function<int64_t(const Params&)> wait_floor_us{};
  // Scenario: the guide's question it answers (docs/questions.md), word for word, and its figures.
  std::string question{};
  std::vector<Figure> figures{};
};

// A model set up for one workload and one grid point. Constructing it starts the engine
// (pool, arena, loop, forked workers, servers); destroying it stops the engine.
class Trial {
 public:
  virtual ~Trial() = default;
  // One run of the whole workload. Task failures are in Batch::errors, never thrown.
  virtual Batch run() = 0;
  // Usage of worker *processes* since they started (threads are in the parent's own usage).
  virtual Usage worker_usage() { return {}; }
};

// Resources a grid point needs beyond the parent itself; checked against this machine's
// limits before it runs, so that an impossible level is skipped with a reason, not a crash.
struct Needs {
  int64_t threads = 0;
  int64_t processes = 0;
  int64_t descriptors = 0;
  int64_t maps = 0;  // memory mappings (a thread's stack and guard, a suspended task's stack)
  // Programs that must be on PATH, each with the Debian package that has it: {"wrk", "wrk"}.
  std::vector<std::pair<std::string, std::string>> programs{};
  // Why it cannot run here for another reason (a server that cannot be started), with the fix.
  std::optional<std::string> unavailable{};
};

struct Suite {
  std::string name;  // "quick" or "full"
  int cores = 1;     // cores this process may use
  // --at WORKLOAD/PARAM:VALUE/...: only that workload, at that one point (the models' own
  // parameters, workers and dispatch, added as its grid adds them); what `advise` measures.
  std::string at_workload{};
  Params at{};
  bool quick() const { return name == "quick"; }
  // The point asked for `workload` with --at, or nullptr: the workload's own grid then.
  const Params* at_for(std::string_view workload) const {
    return !at_workload.empty() && at_workload == workload ? &at : nullptr;
  }
  // Workers swept by the full suite: 1, 2, 4 and the core count (sorted, unique).
  std::vector<int64_t> worker_sweep() const;
  // The worker counts a CPU workload runs at: the core count (quick), the sweep (full).
  std::vector<int64_t> workers() const { return quick() ? std::vector<int64_t>{cores} : worker_sweep(); }
  // The grid of a workload whose only parameter is the model's workers: the core count in
  // the quick suite, the sweep (plus `extra`) in the full one; one empty point for a model
  // without workers (coro).
  std::vector<Params> worker_points(bool has_workers, std::vector<int64_t> extra = {}) const;
};

// One workload on one model: how to make its grid and how to set up a trial.
struct Case {
  const Workload* workload = nullptr;
  std::string model;  // the token in the name and in the file name: "threads"
  std::function<std::vector<Params>(const Suite&)> grid{};
  std::function<std::unique_ptr<Trial>(const Params&)> make{};
  // What a point needs beyond the parent; empty: its workers, as models/kinds.hpp derives
  // them (model_needs).
  std::function<Needs(const Params&)> needs{};
  std::string name() const { return workload->name + "/" + model; }
};

// Adds a case; called from each model file's static initialiser. Returns true.
bool register_case(Case c);
const std::vector<Case>& cases();

// A trial around one engine: `body` runs the workload on it. The engine is built first, so a
// model file can allocate its data after forking a pool, then capture it in `body`.
template <class Engine>
class EngineTrial final : public Trial {
 public:
  EngineTrial(std::unique_ptr<Engine> engine, std::function<Batch(Engine&)> body)
      : engine_(std::move(engine)), body_(std::move(body)) {}
  ~EngineTrial() override {
    body_ = nullptr;  // the body's data goes before the engine that may reference it
    engine_.reset();
  }
  Batch run() override { return body_(*engine_); }
  Usage worker_usage() override {
    if constexpr (requires(Engine& e) { e.usage(); }) {
      return engine_->usage();
    } else {
      return {};
    }
  }

 private:
  std::unique_ptr<Engine> engine_;
  std::function<Batch(Engine&)> body_;
};

// The engine of point `p`: Engine(workers) for a model with workers, else Engine() (coro).
template <class Engine>
std::unique_ptr<Engine> make_engine(const Params& p) {
  if constexpr (std::is_constructible_v<Engine, std::size_t>)
    return std::make_unique<Engine>(std::size_t(p.get("workers")));
  else
    return std::make_unique<Engine>();
}

template <class Engine>
std::unique_ptr<Trial> make_trial(std::unique_ptr<Engine> engine,
                                  std::function<Batch(Engine&)> body) {
  return std::make_unique<EngineTrial<Engine>>(std::move(engine), std::move(body));
}

}  // namespace concbench
