#include "core/loop_watch.hpp"

#include <mutex>

namespace concbench::loop_watch {

namespace detail {
std::atomic<bool> g_on{false};
}  // namespace detail

namespace {
using Clock = std::chrono::steady_clock;
std::atomic<int64_t> g_threshold_ns{std::chrono::nanoseconds(kDefaultThreshold).count()};
std::atomic<int64_t> g_steps{0};
std::atomic<int64_t> g_max_ns{0};
std::atomic<int64_t> g_total_ns{0};
thread_local int t_depth = 0;
thread_local Clock::time_point t_start;
}  // namespace

void set_threshold(std::chrono::nanoseconds threshold) { g_threshold_ns.store(threshold.count()); }

void enable() {
  take();
  detail::g_on.store(true);
}
void disable() { detail::g_on.store(false); }
bool enabled() { return detail::g_on.load(); }
std::chrono::nanoseconds threshold() { return std::chrono::nanoseconds(g_threshold_ns.load()); }

Slow take() {
  Slow s;
  s.steps = g_steps.exchange(0);
  s.max_ms = double(g_max_ns.exchange(0)) * 1e-6;
  s.total_ms = double(g_total_ns.exchange(0)) * 1e-6;
  return s;
}

namespace {
std::mutex g_lag_mu;
std::vector<float> g_lag;
constexpr std::size_t kMaxLag = 1 << 20;
}  // namespace

std::atomic<bool> g_lag_probe{true};
void set_lag_probe(bool on) { g_lag_probe.store(on); }
bool lag_probe() { return g_lag_probe.load(); }

namespace {
std::mutex g_probes_mu;
std::vector<std::pair<const void*, std::function<void(bool)>>> g_probes;
bool g_probing = false;  // under g_probes_mu
}  // namespace

void add_probe(const void* loop, std::function<void(bool on)> switch_probe) {
  std::lock_guard lock(g_probes_mu);
  if (g_probing) switch_probe(true);
  g_probes.emplace_back(loop, std::move(switch_probe));
}

void remove_probe(const void* loop) {
  std::lock_guard lock(g_probes_mu);
  std::erase_if(g_probes, [loop](const auto& p) { return p.first == loop; });
}

std::size_t probing(bool on) {
  std::lock_guard lock(g_probes_mu);
  g_probing = on;
  for (auto& [loop, switch_probe] : g_probes) switch_probe(on);
  return g_probes.size();
}

bool probing() {
  std::lock_guard lock(g_probes_mu);
  return g_probing;
}

void record_lag(std::chrono::nanoseconds lateness) {
  const float us = float(double(std::max<int64_t>(0, lateness.count())) * 1e-3);
  std::lock_guard lock(g_lag_mu);
  if (g_lag.size() < kMaxLag) g_lag.push_back(us);
}

std::vector<float> take_lag() {
  std::lock_guard lock(g_lag_mu);
  std::vector<float> out;
  out.swap(g_lag);
  return out;
}

void detail::begin() noexcept {
  if (t_depth++ == 0) t_start = Clock::now();
}

void detail::end() noexcept {
  if (t_depth == 0 || --t_depth != 0) return;
  const auto t_end = Clock::now();
  if (trace::on()) trace::complete("step", "loop", t_start, t_end);
  if (!g_on.load(std::memory_order_relaxed)) return;
  const int64_t ns = std::chrono::nanoseconds(t_end - t_start).count();
  if (ns < g_threshold_ns.load(std::memory_order_relaxed)) return;
  g_steps.fetch_add(1);
  g_total_ns.fetch_add(ns);
  int64_t seen = g_max_ns.load();
  while (ns > seen && !g_max_ns.compare_exchange_weak(seen, ns)) {
  }
}

}  // namespace concbench::loop_watch
