#include "workloads/errors/errors.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/fault.hpp"
#include "core/spin.hpp"
#include "models/engines.hpp"
#include "models/kinds.hpp"

namespace concbench::errors {

namespace {
const bool words = register_words("fail", {"throw", "abort", "segv"});
uint64_t ok_value(std::size_t i, const Config& c) { return spin(mix64(i), c.iterations); }
// A thrown failure carries the value its task computed (the work was done before it failed);
// a crash carries nothing but its task.
uint64_t failed_value(uint64_t computed) { return mix64(computed ^ 0xe7707); }
uint64_t crashed_value(std::size_t i) { return mix64(i ^ 0xc4a54); }
constexpr std::string_view kThrown = "injected failure in task ";
}  // namespace

Config config(const Params& p) {
  const int64_t grain = p.get_or("grain_us", 10);
  return {Fail(p.get("fail")), p.get("fail_pct"), std::size_t(p.get_or("tasks", 1000)),
          spin_iterations_for_us(double(grain))};
}

bool picked(std::size_t i, const Config& c) { return int64_t(mix64(i ^ 0xfa11) % 100) < c.fail_pct; }

TaskResult task(std::size_t i, const Config& c) {
  const uint64_t v = fault::skip_compute() ? mix64(i) : ok_value(i, c);
  if (!picked(i, c)) return {v, 0};
  switch (c.fail) {
    case Fail::throws:  // "injected failure in task 17 after computing 1234"
      throw std::runtime_error(std::string(kThrown) + std::to_string(i) + " after computing " +
                               std::to_string(v));
    case Fail::abort:
    case Fail::segv: {
      const rlimit none{0, 0};
      setrlimit(RLIMIT_CORE, &none);  // a crash, not a core file
      if (c.fail == Fail::abort) std::abort();
      raise(SIGSEGV);
      break;
    }
  }
  return {v, 0};
}

Batch outcomes(Batch raw, const Config& c) {
  Batch b;
  b.results = std::move(raw.results);
  std::size_t failures = 0;
  const std::string expected = c.fail == Fail::throws ? std::string(kThrown)
                               : c.fail == Fail::abort ? "signal 6"
                                                       : "signal 11";
  for (std::string& line : raw.errors) {
    // Every engine names the task first: "task 17: ..."
    std::size_t i = 0;
    bool named = false;
    if (line.rfind("task ", 0) == 0) {
      try {
        std::size_t end = 0;
        i = std::stoul(line.substr(5), &end);
        named = line.compare(5 + end, 1, ":") == 0;
      } catch (const std::exception&) {
      }
    }
    if (named && i < b.results.size() && line.find(expected) != std::string::npos &&
        b.results[i].value == 0) {
      if (c.fail == Fail::throws) {
        const auto at = line.rfind(" after computing ");
        b.results[i].value =
            at == std::string::npos ? 0 : failed_value(std::stoull(line.substr(at + 17)));
      } else {
        b.results[i].value = crashed_value(i);
      }
      ++failures;
    } else {
      b.errors.push_back(std::move(line));  // not an injected failure: a real error
    }
  }
  b.figures.emplace_back("failures", double(failures));
  b.figures.emplace_back("successes", double(b.results.size() - failures));
  return b;
}

const Workload& workload() {
  static const Workload w{
      .name = "errors",
      .kind = Kind::scenario,
      .reference = unprepared([](const Params& p) {
            const Config c = config(p);
            Batch b;
            b.results.resize(c.tasks);
            for (std::size_t i = 0; i < c.tasks; ++i)
              b.results[i].value = !picked(i, c)            ? ok_value(i, c)
                                   : c.fail == Fail::throws ? failed_value(ok_value(i, c))
                                                            : crashed_value(i);
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .question = "Exceptions in tasks; gather(return_exceptions=True): is every result and "
                  "every error handed back, what does the failure path cost, and does a worker "
                  "process that crashes become an error rather than a hang?",
      .figures = {{"failures", "1", "tasks handed back as failures per run (checked: exactly the picked ones)"},
                  {"successes", "1", "tasks handed back with their value per run"}},
  };
  return w;
}

std::vector<Params> grid(const Suite& s, std::string_view model, bool processes) {
  std::vector<Params> out;
  std::vector<std::pair<Fail, int64_t>> cases{{Fail::throws, 0}, {Fail::throws, 10}, {Fail::throws, 100}};
  if (processes) {
    cases.push_back({Fail::abort, 10});
    if (!s.quick()) cases.push_back({Fail::segv, 10});
  }
  const auto kind = model_kind(model);
  for (auto [fail, pct] : cases) {
      Params p;
      if (kind && kind->sized) p.set("workers", s.cores);
      p.set("dispatch", int64_t(Dispatch::each));
      p.set("fail", int64_t(fail));
      p.set("fail_pct", pct);
      out.push_back(p);
  }
  return out;
}

namespace {
// abort and segv only where a task runs in a process of its own.
std::vector<Params> any_grid(const Suite& s, std::string_view model) {
  const auto k = model_kind(model);
  return grid(s, model, k && k->workers == "processes");
}
auto task_list(const Params& p) {
  const Config c = config(p);
  return TaskList{c.tasks, [c](std::size_t i) { return task(i, c); },
                  [c](const std::function<Batch()>& run) { return outcomes(run(), c); }};
}
// Every model, each handing back a task's exception with its index. On procs a worker that
// dies (abort, SIGSEGV) fails the task it was running and is replaced; the task queued behind
// it is sent again, so every other task completes (multiprocessing.Pool would hang,
// ProcessPoolExecutor would fail them all). On fork_per_task a crash is the child's status.
// procs_coro is left out: it takes whole shards (dispatch:map), and a failure here is one
// task's, handed over one at a time.
const bool registered = register_on_engines(workload(), any_grid, task_list,
                                            {.per_task = true, .without = {"procs_coro"}, .processes = true});
}  // namespace

}  // namespace concbench::errors
