#include "bench/harness.hpp"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <mutex>

#include "bench/counters.hpp"
#include "core/fault.hpp"
#include "core/inflight.hpp"
#include "core/loop_watch.hpp"
#include "core/trace.hpp"
#include "core/server_probe.hpp"
#include "core/system.hpp"
#include "models/kinds.hpp"

#ifdef CONCBENCH_CALLGRIND
#include <valgrind/callgrind.h>
#endif

namespace concbench {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void (*g_progress)(const std::string&) = nullptr;

// The sequential reference's checksum of one workload at one point, computed once per process
// with any test breakage off (core/fault.hpp: the reference is what a broken model is checked
// against). Dispatch does not change the work: it is not part of the key (workers are: the
// start workload expects every worker to answer).
struct Expected {
  uint64_t checksum = 0;
  std::size_t results = 0;
};

class Unbroken {  // the breakage of core/fault.hpp suspended while the reference runs
 public:
  Unbroken() : saved_(fault::current_break()) { fault::set_break(fault::Break::none); }
  ~Unbroken() { fault::set_break(saved_); }

 private:
  fault::Break saved_;
};

const Expected& expected_for(const Workload& w, const Params& p) {
  static std::map<std::string, Expected> cache;
  Params key_params;
  for (auto& [k, v] : p.items())
    if (k != "dispatch") key_params.set(k, v);
  const std::string key = w.name + "/" + key_params.str();
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  Unbroken unbroken;
  const Batch b = w.reference(p)();
  return cache.emplace(key, Expected{checksum(b.results), b.results.size()}).first->second;
}

// The reference timed as the model is: the same number of runs, right after the
// model's, in the same process, the mean of their wall times (Google Benchmark's statistic
// for the model). Its data is prepared untimed, as the models' is.
double reference_seconds(const Workload& w, const Params& p, int64_t runs) {
  Unbroken unbroken;
  const std::function<Batch()> run = w.reference(p);
  double total = 0;
  for (int64_t k = 0; k < runs && !interrupted(); ++k) {
    const auto t0 = Clock::now();
    benchmark::DoNotOptimize(run());
    total += seconds_since(t0);
  }
  return total / double(std::max<int64_t>(1, runs));
}

// Operations a model may have waiting at once: C for a loop or suspending tasks, one per
// worker for a model whose workers block (models/kinds.hpp); never more than the tasks.
int64_t allowed_in_flight(const Case& c, const Params& p, int64_t concurrency, std::size_t tasks) {
  int64_t allowed = concurrency;
  const auto k = model_kind(c.model);
  if (k && k->waits == "blocking") allowed = std::min(allowed, p.get_or("workers", 1));
  return std::min<int64_t>(allowed, int64_t(tasks));
}

// The checks of one I/O run that can fail when a model skipped or cut short its waits, or
// held more in flight than it may: "" when it passed.
std::string check_io_run(const Case& c, const Params& p, const Batch& b, double seconds,
                         int64_t peak, int cores) {
  const Workload& w = *c.workload;
  if (w.wait_floor_us) {
    const uint64_t floor_ns = uint64_t(w.wait_floor_us(p)) * 1000;
    for (std::size_t i = 0; i < b.results.size(); ++i)
      if (b.results[i].latency_ns < floor_ns)
        return "task " + std::to_string(i) + " took " +
               std::to_string(double(b.results[i].latency_ns) * 1e-3) + " us, less than its " +
               std::to_string(floor_ns / 1000) + " us wait: the wait was skipped or cut short";
  }
  const double ideal = w.floor_seconds ? w.floor_seconds(p, cores) : w.ideal_seconds(p, cores);
  if (seconds < ideal * 0.999)
    return "the run took " + std::to_string(seconds) + " s, less than the " +
           (w.floor_seconds ? "least makespan " : "ideal makespan ") + std::to_string(ideal) +
           " s: waits were skipped or overlapped beyond the concurrency";
  const int64_t allowed = allowed_in_flight(c, p, w.in_flight(p), b.results.size());
  if (peak == 0 && w.wait_floor_us)
    return "no task was seen waiting (0 in flight): the waits were skipped";
  if (peak > allowed)
    return std::to_string(peak) + " operations waited at once, more than the " +
           std::to_string(allowed) + " this model may hold at concurrency " +
           std::to_string(w.in_flight(p));
  return "";
}

double percentile(const std::vector<float>& sorted, double q) {
  const auto rank = std::size_t(std::ceil(q * double(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

void set(benchmark::State& st, std::string_view name, double v) {
  if (!std::isfinite(v)) return;  // strict JSON: a value that cannot be computed is omitted
  st.counters[std::string(name)] = benchmark::Counter(v);
}

std::string describe_errors(const std::vector<std::string>& errors) {
  std::string s = errors.front();
  if (errors.size() > 1) s += " (and " + std::to_string(errors.size() - 1) + " more errors)";
  return s;
}

// One run of the trial; an exception (e.g. fork() refused) is its error, so the suite goes on.
Batch run_once(Trial& trial) {
  try {
    return trial.run();
  } catch (const std::exception& e) {
    Batch b;
    b.errors.push_back(std::string("run failed: ") + e.what());
    return b;
  }
}

// ---- the phases of one benchmark: prepare, measure (each run checked), count, figures ------

// What the timed loop starts from: the reference's answer, the model's trial, its set-up.
struct Prepared {
  Expected ref;
  std::unique_ptr<Trial> trial;
  double setup_s = 0;
  int64_t rss_before = 0;
};

// Everything the timed runs saw. `error` non-empty: the benchmark is an error, not a number.
struct Measured {
  int64_t runs = 0;
  double run_seconds = 0;
  int64_t peak_in_flight = 0;
  Usage before, after;
  std::optional<ServerInfo> server;
  double server_cpu = -1;
  int64_t connections = -1;
  std::vector<float> latencies_us, loop_lag;
  double start_seconds = 0;
  std::map<std::string, std::pair<double, int64_t>> figures;  // name -> (sum or max, runs)
  std::map<std::string, std::vector<float>> samples;
  std::string error;
};

// Checks the point's needs, computes the reference and makes the trial (an open loop also
// runs once untimed); "" and `out` filled, else why the benchmark cannot run.
std::string prepare(const Case& c, const Params& p, const std::string& name, Prepared& out) {
  if (interrupted()) return kInterruptedMessage;
  // What the model needs, as models/kinds.hpp derives it, unless the case says more.
  const Needs needs = c.needs ? c.needs(p) : model_needs(c.model, p);
  if (auto why = check_needs(needs, read_limits())) return kSkipPrefix + name + ": " + *why;
  try {
    out.ref = expected_for(*c.workload, p);
  } catch (const std::exception& e) {
    return name + ": sequential reference failed: " + e.what();
  }
  malloc_trim(0);  // what earlier benchmarks freed goes back: a smaller parent forks faster
  reset_peak_rss();
  out.rss_before = current_rss_bytes();
  const auto setup_start = Clock::now();
  // The server is this trial's, if it starts or takes one (a PostgreSQL kept from an earlier
  // benchmark of the process, under --no-isolate, is not charged to io.sleep).
  set_active_server(std::nullopt);
  try {
    out.trial = c.make(p);
  } catch (const std::exception& e) {
    return name + ": set-up failed: " + e.what();
  }
  out.setup_s = seconds_since(setup_start);
  // An open loop is measured as pgbench -R's window is: after a run at the same rate, so that
  // neither side's tail is a cold start's. The run is not timed and its figures are dropped;
  // an error in it is the benchmark's.
  if (c.workload->kind == Kind::io && p.has("rate")) {
    const Batch warm = run_once(*out.trial);
    if (interrupted()) return kInterruptedMessage;
    if (!warm.errors.empty()) return name + ": " + describe_errors(warm.errors) + " (the open loop's warm-up run)";
  }
  return "";
}

// The checks of one timed run against the reference: "" when it passed.
std::string check_run(const Case& c, const Params& p, const std::string& name, const Expected& ref,
                      const Batch& b, double seconds, int cores, Measured& m) {
  if (interrupted()) return kInterruptedMessage;
  if (!b.errors.empty()) return name + ": " + describe_errors(b.errors);
  if (b.results.size() != ref.results)
    return name + ": " + std::to_string(b.results.size()) + " results, expected " + std::to_string(ref.results);
  if (const uint64_t sum = checksum(b.results); sum != ref.checksum)
    return name + ": checksum " + std::to_string(sum) + " != expected " + std::to_string(ref.checksum) +
           " (the sequential reference's)";
  if (c.workload->kind != Kind::io) {
    m.peak_in_flight = std::max(m.peak_in_flight, inflight::tasks_peak());
    return "";
  }
  const int64_t peak = inflight::peak();
  m.peak_in_flight = std::max(m.peak_in_flight, peak);
  if (std::string why = check_io_run(c, p, b, seconds, peak, cores); !why.empty()) return name + ": " + why;
  return "";
}

// What one passed run adds to the figures: its latencies, start times, scenario figures.
void keep(const Workload& w, Batch& b, Measured& m) {
  if (w.kind == Kind::io)
    for (const auto& r : b.results) m.latencies_us.push_back(float(double(r.latency_ns) * 1e-3));
  if (w.kind == Kind::start)
    for (const auto& r : b.results) m.start_seconds += double(r.latency_ns) * 1e-9;
  for (auto& [fname, v] : b.figures) {
    auto& [acc, n] = m.figures[fname];
    acc = fname.ends_with("_max") ? (n == 0 ? v : std::max(acc, v)) : acc + v;
    ++n;
  }
  for (auto& [sname, v] : b.samples) {
    auto& pool = m.samples[sname];
    pool.insert(pool.end(), v.begin(), v.end());
  }
}

// The loops' lag (asyncio's loop.time() drift), from one more run of the trial with every loop
// of this process probed, after the timed runs and outside every figure of the model: the
// probe's wake-ups are the instrument's cost. Empty for a model without loops here, under
// --no-loop-lag, or when that run fails.
std::vector<float> lag_run(Trial& trial) {
  if (!loop_watch::lag_probe() || interrupted()) return {};
  if (loop_watch::probing(true) == 0) {  // no loop in this process
    loop_watch::probing(false);
    return {};
  }
  loop_watch::take_lag();
  inflight::reset();
  const Batch b = run_once(trial);
  loop_watch::probing(false);
  std::vector<float> lag = loop_watch::take_lag();
  return b.errors.empty() ? lag : std::vector<float>{};
}

// Google Benchmark's timed loop: each run checked, and only the run itself timed. The usage
// and the server's CPU are read around the loop, the trial let go after it.
Measured measure(benchmark::State& st, const Case& c, const Params& p, const std::string& name,
                 Prepared& prep, int cores) {
  Measured m;
  m.before = self_usage() + prep.trial->worker_usage();
  m.server = active_server();
  const double server_cpu_before = m.server ? server_cpu_seconds(*m.server) : -1;
#ifdef CONCBENCH_CALLGRIND
  CALLGRIND_ZERO_STATS;  // under callgrind, count the timed loop only (scripts/instructions)
  CALLGRIND_START_INSTRUMENTATION;
#endif
  loop_watch::probing(false);  // no instrument in the timed runs (core/loop_watch.hpp)
  loop_watch::take_lag();
  for (auto _ : st) {
    inflight::reset();
    trace::Span run_span("run", "benchmark", m.runs);
    const auto t0 = Clock::now();
    Batch b = run_once(*prep.trial);
    const double dt = seconds_since(t0);
    st.PauseTiming();
    m.run_seconds += dt;
    ++m.runs;
    m.error = check_run(c, p, name, prep.ref, b, dt, cores, m);
    if (!m.error.empty()) {
      st.ResumeTiming();
      st.SkipWithError(m.error.c_str());
      break;
    }
    keep(*c.workload, b, m);
    st.ResumeTiming();
  }
#ifdef CONCBENCH_CALLGRIND
  CALLGRIND_STOP_INSTRUMENTATION;
  CALLGRIND_DUMP_STATS_AT(name.c_str());
#endif
  m.after = self_usage() + prep.trial->worker_usage();
  m.server_cpu = m.server ? server_cpu_seconds(*m.server) - server_cpu_before : -1;
  m.connections = m.server ? server_connections(*m.server) : -1;  // before the model lets go
  if (m.error.empty() && m.runs > 0) m.loop_lag = lag_run(*prep.trial);
  prep.trial.reset();
  return m;
}

// The counters every benchmark has: work done, CPU, switches, memory, set-up.
void count(benchmark::State& st, const Workload& w, const Params& p, const Prepared& prep,
           const Measured& m, int cores) {
  namespace k = counter;
  const double runs = double(m.runs);
  const double items = w.items ? double(w.items(p)) : 0;
  if (w.items) st.SetItemsProcessed(int64_t(items) * m.runs);
  if (w.bytes) st.SetBytesProcessed(w.bytes(p) * m.runs);
  const Usage used = m.after - m.before;
  set(st, k::cpu_user_s, used.user_s / runs);
  set(st, k::cpu_sys_s, used.sys_s / runs);
  if (w.items) set(st, k::cpu_per_item_us, (used.user_s + used.sys_s) / (items * runs) * 1e6);
  set(st, k::ctx_voluntary, double(used.voluntary_switches) / runs);
  set(st, k::ctx_involuntary, double(used.involuntary_switches) / runs);
  set(st, k::peak_rss_bytes, double(m.after.peak_rss_bytes));
  set(st, k::setup_s, prep.setup_s);
  set(st, k::cores, cores);
  set(st, k::tasks, double(prep.ref.results));
  set(st, k::workers, double(p.get_or("workers", 1)));
  if (w.kind != Kind::io && m.peak_in_flight > 0) set(st, k::peak_in_flight, double(m.peak_in_flight));
}

// CPU work: the reference timed after the timed loop (not in the model's time), the speedup
// and the per-task overhead against it.
void count_cpu(benchmark::State& st, const Workload& w, const Params& p, const Measured& m, int cores) {
  namespace k = counter;
  const double per_run = m.run_seconds / double(m.runs);
  const double ref_seconds = reference_seconds(w, p, m.runs);
  const double speedup = ref_seconds / per_run;
  const double usable = double(std::min<int64_t>(p.get_or("workers", 1), cores));
  set(st, k::reference_s, ref_seconds);
  set(st, k::speedup, speedup);
  set(st, k::efficiency, speedup / usable);
  const double items = w.items ? double(w.items(p)) : 0;
  set(st, k::overhead_per_task_us, (per_run * usable - ref_seconds) / items * 1e6);
}

// I/O: the ideal makespan and the efficiency against it, the server's side, memory per
// operation in flight and the latencies.
void count_io(benchmark::State& st, const Workload& w, const Params& p, const Prepared& prep,
              Measured& m, int cores) {
  namespace k = counter;
  const double per_run = m.run_seconds / double(m.runs);
  const double ideal = w.ideal_seconds(p, cores);
  set(st, k::ideal_s, ideal);
  if (ideal > 0) set(st, k::efficiency, ideal / per_run);
  const double in_flight = double(w.in_flight(p));
  set(st, k::concurrency, in_flight);
  set(st, k::peak_in_flight, double(m.peak_in_flight));
  if (m.server && m.server_cpu >= 0) {
    // The server is saturated when it used 90 % of the CPU left to it: its loops, at most the
    // cores the model did not use. Such a point measures the server, not the model.
    const double items = (w.items ? double(w.items(p)) : 0) * double(m.runs);
    set(st, k::server_cpu_s, m.server_cpu / double(m.runs));
    set(st, k::server_cpu_per_item_us, m.server_cpu / items * 1e6);
    if (m.connections >= 0) set(st, k::connections, double(m.connections));
    const Usage used = m.after - m.before;
    const double client_cores = (used.user_s + used.sys_s) / m.run_seconds;
    const double left = std::min(double(m.server->loops), double(cores) - client_cores);
    const double busy = m.server_cpu / m.run_seconds;
    set(st, k::server_saturated, left <= 0 || busy >= 0.9 * left ? 1 : 0);
  }
  set(st, k::rss_per_inflight_bytes,
      double(std::max<int64_t>(0, m.after.peak_rss_bytes - prep.rss_before)) / in_flight);
  if (m.latencies_us.empty()) return;
  std::sort(m.latencies_us.begin(), m.latencies_us.end());
  set(st, k::lat_p50_us, percentile(m.latencies_us, 0.50));
  set(st, k::lat_p99_us, percentile(m.latencies_us, 0.99));
  set(st, k::lat_max_us, m.latencies_us.back());
  double sum = 0;
  for (float l : m.latencies_us) sum += l;
  set(st, k::lat_mean_us, sum / double(m.latencies_us.size()));
}

// The loops' lag and the scenario's own figures (Workload::figures): the mean over runs
// (*_max: the largest), and for sampled ones the percentiles of every run's samples together.
void figures(benchmark::State& st, Measured& m) {
  namespace k = counter;
  if (!m.loop_lag.empty()) {  // a model with asio loops in this process (core/loop_watch.hpp)
    std::sort(m.loop_lag.begin(), m.loop_lag.end());
    set(st, k::loop_lag_us_p50, percentile(m.loop_lag, 0.50));
    set(st, k::loop_lag_us_p99, percentile(m.loop_lag, 0.99));
    set(st, k::loop_lag_us_max, m.loop_lag.back());
  }
  for (const auto& [fname, acc] : m.figures)
    set(st, fname, fname.ends_with("_max") ? acc.first : acc.first / double(acc.second));
  for (auto& [sname, pool] : m.samples) {
    if (pool.empty()) continue;
    std::sort(pool.begin(), pool.end());
    set(st, sname + "_p50", percentile(pool, 0.50));
    set(st, sname + "_p99", percentile(pool, 0.99));
    set(st, sname + "_max", pool.back());
  }
}

}  // namespace

void set_progress_hook(void (*hook)(const std::string&)) { g_progress = hook; }

void run_case(benchmark::State& st, const Case& c, const Params& p, const std::string& name) {
  if (g_progress) g_progress(name);
  if (trace::on()) {
    trace::name_process(name);
    trace::name_thread("benchmark");
  }
  const int cores = available_cores();
  Prepared prep;
  if (const std::string why = prepare(c, p, name, prep); !why.empty()) {
    st.SkipWithError(why.c_str());
    return;
  }
  Measured m = measure(st, c, p, name, prep, cores);
  if (!m.error.empty() || m.runs == 0) return;
  const Workload& w = *c.workload;
  count(st, w, p, prep, m, cores);
  if (w.kind == Kind::cpu) count_cpu(st, w, p, m, cores);
  if (w.kind == Kind::io) count_io(st, w, p, prep, m, cores);
  if (w.kind == Kind::start) set(st, counter::start_s, m.start_seconds / double(m.runs));
  figures(st, m);
}

}  // namespace concbench
