#include "core/spin.hpp"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <mutex>

namespace concbench {

__attribute__((noinline)) uint64_t spin(uint64_t seed, uint64_t iterations) {
  uint64_t x = seed | 1;
  for (uint64_t i = 0; i < iterations; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

namespace {
std::atomic<double> g_rate{0};
std::mutex g_mu;

// The calling thread's own CPU time: a round that the scheduler interrupts (a busy machine, tests run
// side by side) is not timed as spinning, as a wall clock would time it (docs/findings.md).
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

double calibrate() {
  double best = 0;
  for (int round = 0; round < 3; ++round) {
    uint64_t n = 1 << 16;
    for (;;) {
      const double t0 = thread_cpu_us();
      volatile uint64_t sink = spin(uint64_t(round) + 7, n);
      (void)sink;
      const double us = thread_cpu_us() - t0;
      if (us >= 20000) {
        best = std::max(best, double(n) / us);
        break;
      }
      n *= 2;
    }
  }
  return best;
}
}  // namespace

double spin_iterations_per_us() {
  double r = g_rate.load();
  if (r > 0) return r;
  std::lock_guard lock(g_mu);
  if (g_rate.load() == 0) g_rate = calibrate();
  return g_rate.load();
}

void set_spin_rate(double iterations_per_us) { g_rate = iterations_per_us; }

}  // namespace concbench
