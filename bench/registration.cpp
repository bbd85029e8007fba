#include "servers/postgres.hpp"
#include "bench/registration.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/version.hpp>
#include <oneapi/tbb/version.h>

#include "bench/counters.hpp"
#include "bench/harness.hpp"
#include "concbench_build_info.hpp"
#include "core/fault.hpp"
#include "core/spin.hpp"
#include "core/system.hpp"
#include "models/kinds.hpp"
#include "servers/pg_cluster.hpp"

namespace concbench {

namespace {
std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Google Benchmark appends /iterations:N and /real_time itself; the rest is ours (a parameter
// may be a word: dispatch:map).
std::string base_name(const Case& c, const Params& p) {
  std::string base = c.name();
  if (!p.items().empty()) base.append("/").append(p.str());
  return base;
}
std::string full_name(const std::string& base, int64_t iterations) {
  std::string full = base;
  if (iterations > 0) full.append("/iterations:").append(std::to_string(iterations));
  return full + "/real_time";
}
}  // namespace

std::vector<std::string> workload_names() {
  std::vector<std::string> v;
  for (const auto& c : cases()) v.push_back(c.workload->name);
  return sorted_unique(v);
}

std::vector<std::string> model_names() {
  std::vector<std::string> v;
  for (const auto& c : cases()) v.push_back(c.model);
  return sorted_unique(v);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::vector<std::string> suite_names(const Suite& suite, int64_t iterations) {
  std::vector<std::string> out;
  for (const Case& c : cases()) {
    if (!suite.at_workload.empty() && c.workload->name != suite.at_workload) continue;
    for (const Params& p : c.grid(suite)) out.push_back(full_name(base_name(c, p), iterations));
  }
  return out;
}

std::vector<std::string> register_suite(const Suite& suite, int64_t iterations,
                                        const std::string& only) {
  std::vector<std::string> out;
  for (const Case& c : cases()) {
    if (!suite.at_workload.empty() && c.workload->name != suite.at_workload) continue;
    for (const Params& p : c.grid(suite)) {
      const std::string base = base_name(c, p);
      const std::string full = full_name(base, iterations);
      if (!only.empty() && full != only) continue;
      out.push_back(full);
      // The one place a benchmark is configured: real time (the models wait and use other
      // threads and processes), in the default unit (milliseconds, or --benchmark_time_unit:
      // main sets it before Google Benchmark reads its flags).
      auto* b = benchmark::RegisterBenchmark(base.c_str(),
                                             [cp = &c, p, full](benchmark::State& st) {
                                               run_case(st, *cp, p, full);
                                             })
                    ->UseRealTime();
      if (iterations > 0) b->Iterations(iterations);
    }
  }
  return out;
}

Filter::Filter(std::string spec) {
  if (spec.empty() || spec == "all") spec = ".";
  if (spec[0] == '-') {
    negative = true;
    spec = spec.substr(1);
  }
  try {
    re = std::regex(spec, std::regex::extended);
  } catch (const std::regex_error& e) {
    bad_input("--benchmark_filter '" + spec + "': not a regular expression (" + e.what() + ")");
  }
}

nlohmann::ordered_json build_context(const Options& o, const Suite& suite, bool isolated) {
  nlohmann::ordered_json ctx;
  ctx["concbench_schema"] = 2;
  ctx["concbench_version"] = CONCBENCH_VERSION;
  ctx["concbench_build_type"] = CONCBENCH_BUILD_TYPE;
  ctx["concbench_git_revision"] = CONCBENCH_GIT_REVISION;
  ctx["concbench_suite"] = suite.name;
  ctx["concbench_cores"] = suite.cores;
  ctx["concbench_isolation"] = isolated ? "process per benchmark" : "one process";
  // The registered models in the table's order, which is the report's; one without a row after.
  const std::vector<std::string> registered = model_names();
  nlohmann::ordered_json listed = nlohmann::ordered_json::array();
  nlohmann::ordered_json kinds;
  for (const auto& k : kModelKinds) {
    const std::string m(k.model);
    if (std::find(registered.begin(), registered.end(), m) == registered.end()) continue;
    listed.push_back(m);
    nlohmann::ordered_json d = nlohmann::ordered_json::array();
    for (Dispatch x : dispatches(m)) d.push_back(std::string(dispatch_name(x)));
    kinds[m] = {{"waits", std::string(k.waits)},
                {"workers", std::string(k.workers)},
                {"dispatch", d},
                {"floor", std::string(k.floor)},
                {"shape", std::string(k.shape)},
                {"family", std::string(k.family)},
                {"sized", k.sized},
                {"per_task", k.per_task},
                {"stands_for", std::string(k.stands_for)},
                {"unit", std::string(k.unit)},
                {"order", int(&k - kModelKinds)},
                {"style", {{"colour", std::string(k.colour)},
                           {"marker", std::string(k.marker)},
                           {"line", std::string(k.line)}}}};
  }
  for (const auto& m : registered)
    if (!model_kind(m)) listed.push_back(m);
  ctx["concbench_models"] = listed;
  ctx["concbench_model_kinds"] = kinds;
  nlohmann::ordered_json peers = nlohmann::ordered_json::array();
  for (const auto& m : model_names())
    if (is_peer(m)) peers.push_back(m);
  ctx["concbench_peers"] = peers;
  ctx["concbench_dispatch"] = {
      {"each", "the engine is handed one task at a time (co_spawn/post, task_group::run, one "
               "message or queue entry per task): a server's shape"},
      {"map", "the engine is handed the whole range and chunks it as its experts do "
              "(parallel_for, Pool.map chunksize, chunks claimed from one index): a data "
              "job's shape"},
      {"rule", "models are compared only within one dispatch"}};
  ctx["concbench_workloads"] = workload_names();
  ctx["boost_version"] = std::to_string(BOOST_VERSION / 100000) + "." +
                         std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                         std::to_string(BOOST_VERSION % 100);
  ctx["onetbb_version"] = TBB_runtime_version();
  ctx["onetbb_thread_cap"] =
      "tbb_blocking: each benchmark process sets max_allowed_parallelism to max(workers, cores) "
      "before oneTBB's scheduler starts, so the arena gets the threads it asks for";
  ctx["benchmark_version"] = CONCBENCH_BENCHMARK_VERSION;
  ctx["compiler"] = std::string(CONCBENCH_COMPILER_ID) + " " + __VERSION__;
  ctx["kernel"] = kernel_release();
  ctx["futex_hash"] = futex_hash();
  ctx["spin_iterations_per_us"] = spin_iterations_per_us();
  ctx["slow_callback_ms"] = o.slow_callback_ms;
  ctx["echo_server"] = o.echo_server.empty() ? "embedded" : o.echo_server;
  ctx["http_server"] = o.http_url.empty() ? "embedded" : o.http_url;
  ctx["pg_server"] = PgService::describe();
  // The field's own load tools, as the peers run them.
  ctx["wrk_version"] = program_version({"wrk", "-v"});
  ctx["pgbench_version"] = program_version({pgbench_program(), "--version"});
  ctx["concbench_injected_slowdown"] =
      fault::percent > 0 ? std::string(fault::model) + ":" + std::to_string(fault::percent) + "%"
                         : "none";
  nlohmann::ordered_json units;
  for (const auto& c : counter::all)
    units[std::string(c.name)] = {{"unit", std::string(c.unit)},
                                  {"meaning", std::string(c.meaning)}};
  // Each scenario's own figures, as its workload declares them (core/case.hpp Figure), and
  // the guide's question it answers.
  nlohmann::ordered_json scenarios = nlohmann::ordered_json::object();
  for (const auto& name : workload_names()) {
    const Workload* w = nullptr;
    for (const auto& c : cases())
      if (c.workload->name == name) w = c.workload;
    if (!w || w->kind != Kind::scenario) continue;
    nlohmann::ordered_json figs = nlohmann::ordered_json::array();
    for (const auto& f : w->figures) {
      if (f.sampled) {
        for (const char* q : {"_p50", "_p99", "_max"}) {
          const std::string which = std::string(q) == "_p50"   ? "median"
                                    : std::string(q) == "_p99" ? "99th percentile (nearest rank)"
                                                               : "largest";
          units[f.name + q] = {{"unit", f.unit}, {"meaning", f.meaning + ": the " + which}};
          figs.push_back(f.name + q);
        }
      } else {
        units[f.name] = {{"unit", f.unit}, {"meaning", f.meaning}};
        figs.push_back(f.name);
      }
    }
    scenarios[name] = {{"question", w->question}, {"figures", figs}};
  }
  ctx["concbench_counters"] = units;
  ctx["concbench_scenarios"] = scenarios;
  nlohmann::ordered_json words = nlohmann::ordered_json::object();
  for (const auto& [param, ws] : word_params()) words[param] = ws;
  ctx["concbench_words"] = words;
  return ctx;
}

}  // namespace concbench
