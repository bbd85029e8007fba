#include "bench/harness.hpp"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

#include "bench/counters.hpp"
#include "core/system.hpp"

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

struct Reference {
  uint64_t checksum = 0;
  std::size_t results = 0;
  double seconds = 0;  // best of up to three runs (cpu only)
};

// The sequential reference of one workload at one point, computed once per process. Worker
// counts do not change the work, so they are not part of the key.
const Reference& reference_for(const Workload& w, const Params& p) {
  static std::map<std::string, Reference> cache;
  Params key_params;
  for (auto& [k, v] : p.items())
    if (k != "workers") key_params.set(k, v);
  const std::string key = w.name + "/" + key_params.str();
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  Reference r;
  double best = 1e300;
  double spent = 0;
  const std::function<Batch()> run = w.reference(p);
  for (int round = 0; round < 3 && (round == 0 || (w.kind == Kind::cpu && spent < 1.0)); ++round) {
    const auto t0 = Clock::now();
    Batch b = run();
    const double s = seconds_since(t0);
    spent += s;
    best = std::min(best, s);
    r.checksum = checksum(b.results);
    r.results = b.results.size();
  }
  r.seconds = best;
  return cache.emplace(key, r).first->second;
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

}  // namespace

void set_progress_hook(void (*hook)(const std::string&)) { g_progress = hook; }

void run_case(benchmark::State& st, const Case& c, const Params& p, const std::string& name) {
  if (g_progress) g_progress(name);
  if (interrupted()) {
    st.SkipWithError(kInterruptedMessage);
    return;
  }
  const Workload& w = *c.workload;
  const int cores = available_cores();
  if (c.needs) {
    if (auto why = check_needs(c.needs(p), read_limits())) {
      st.SkipWithError((kSkipPrefix + name + ": " + *why).c_str());
      return;
    }
  }

  Reference ref;
  try {
    ref = reference_for(w, p);
  } catch (const std::exception& e) {
    st.SkipWithError((name + ": sequential reference failed: " + e.what()).c_str());
    return;
  }

  malloc_trim(0);  // what earlier benchmarks freed goes back: a smaller parent forks faster
  reset_peak_rss();
  const int64_t rss_before = current_rss_bytes();
  const auto setup_start = Clock::now();
  std::unique_ptr<Trial> trial;
  try {
    trial = c.make(p);
  } catch (const std::exception& e) {
    st.SkipWithError((name + ": set-up failed: " + e.what()).c_str());
    return;
  }
  const double setup = seconds_since(setup_start);

  const Usage before = self_usage() + trial->worker_usage();
#ifdef CONCBENCH_CALLGRIND
  CALLGRIND_ZERO_STATS;  // under callgrind, count the timed loop only (scripts/instructions)
  CALLGRIND_START_INSTRUMENTATION;
#endif
  double run_seconds = 0;
  int64_t runs = 0;
  double start_seconds = 0;
  std::vector<float> latencies_us;
  std::string error;
  for (auto _ : st) {
    const auto t0 = Clock::now();
    Batch b;
    try {
      b = trial->run();
    } catch (const std::exception& e) {  // e.g. fork() refused: an error entry, the suite goes on
      b.errors.push_back(std::string("run failed: ") + e.what());
    }
    const double dt = seconds_since(t0);
    st.PauseTiming();
    run_seconds += dt;
    ++runs;
    if (interrupted()) {
      error = kInterruptedMessage;
    } else if (!b.errors.empty()) {
      error = name + ": " + describe_errors(b.errors);
    } else if (b.results.size() != ref.results) {
      error = name + ": " + std::to_string(b.results.size()) + " results, expected " +
              std::to_string(ref.results);
    } else if (const uint64_t sum = checksum(b.results); sum != ref.checksum) {
      error = name + ": checksum " + std::to_string(sum) + " != expected " +
              std::to_string(ref.checksum) + " (the sequential reference's)";
    }
    if (!error.empty()) {
      st.ResumeTiming();
      st.SkipWithError(error.c_str());
      break;
    }
    if (w.kind == Kind::io)
      for (const auto& r : b.results) latencies_us.push_back(float(double(r.latency_ns) * 1e-3));
    if (w.kind == Kind::start)
      for (const auto& r : b.results) start_seconds += double(r.latency_ns) * 1e-9;
    st.ResumeTiming();
  }
#ifdef CONCBENCH_CALLGRIND
  CALLGRIND_STOP_INSTRUMENTATION;
  CALLGRIND_DUMP_STATS_AT(name.c_str());
#endif
  const Usage workers_after = trial->worker_usage();
  const Usage after = self_usage() + workers_after;
  trial.reset();
  if (!error.empty() || runs == 0) return;

  const double per_run = run_seconds / double(runs);
  const double items = double(w.items(p));
  st.SetItemsProcessed(int64_t(items) * runs);
  if (w.bytes) st.SetBytesProcessed(w.bytes(p) * runs);

  const Usage used = after - before;
  namespace k = counter;
  set(st, k::cpu_user_s, used.user_s / double(runs));
  set(st, k::cpu_sys_s, used.sys_s / double(runs));
  set(st, k::cpu_per_item_us, (used.user_s + used.sys_s) / (items * double(runs)) * 1e6);
  set(st, k::ctx_voluntary, double(used.voluntary_switches) / double(runs));
  set(st, k::ctx_involuntary, double(used.involuntary_switches) / double(runs));
  set(st, k::peak_rss_bytes, double(after.peak_rss_bytes));
  set(st, k::setup_s, setup);
  set(st, k::cores, cores);
  set(st, k::tasks, double(ref.results));
  const int64_t workers = p.get_or("workers", 1);
  set(st, k::workers, double(workers));

  switch (w.kind) {
    case Kind::cpu: {
      const double speedup = ref.seconds / per_run;
      const double usable = double(std::min<int64_t>(workers, cores));
      set(st, k::reference_s, ref.seconds);
      set(st, k::speedup, speedup);
      set(st, k::efficiency, speedup / usable);
      set(st, k::overhead_per_task_us, (per_run * usable - ref.seconds) / items * 1e6);
      break;
    }
    case Kind::io: {
      const double ideal = w.ideal_seconds(p, cores);
      set(st, k::ideal_s, ideal);
      if (ideal > 0) set(st, k::efficiency, ideal / per_run);
      const double in_flight = double(w.in_flight(p));
      set(st, k::concurrency, in_flight);
      set(st, k::rss_per_inflight_bytes,
          double(std::max<int64_t>(0, after.peak_rss_bytes - rss_before)) / in_flight);
      if (!latencies_us.empty()) {
        std::sort(latencies_us.begin(), latencies_us.end());
        set(st, k::lat_p50_us, percentile(latencies_us, 0.50));
        set(st, k::lat_p99_us, percentile(latencies_us, 0.99));
        set(st, k::lat_max_us, latencies_us.back());
        double sum = 0;
        for (float l : latencies_us) sum += l;
        set(st, k::lat_mean_us, sum / double(latencies_us.size()));
      }
      break;
    }
    case Kind::start:
      set(st, k::start_s, start_seconds / double(runs));
      break;
  }
}

}  // namespace concbench
