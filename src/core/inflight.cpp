#include "core/inflight.hpp"

#include <algorithm>

#include <sys/mman.h>

#include <new>

namespace concbench::inflight {

namespace {
Gauge* map_shared() {
  void* p = mmap(nullptr, sizeof(Gauge), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    static Gauge private_gauge;  // no shared page: workers' waits are then not counted
    return &private_gauge;
  }
  return new (p) Gauge;
}
// Mapped during static initialisation, before any worker is forked.
Gauge* const g_gauge = map_shared();
}  // namespace

Gauge& gauge() { return *g_gauge; }

namespace {
// One line per thread that hands over or finishes tasks (threads past 256 share lines: the
// counts stay exact, the adds contend).
struct alignas(64) Slot {
  std::atomic<int64_t> handed{0}, finished{0};
};
constexpr int kSlots = 256;
Slot g_slots[kSlots];
std::atomic<int> g_slots_used{0};
std::atomic<int64_t> g_tasks_peak{0};

Slot& my_slot() {
  thread_local int mine = -1;
  if (mine < 0) mine = g_slots_used.fetch_add(1, std::memory_order_relaxed) % kSlots;
  return g_slots[mine];
}
}  // namespace

namespace tasks {
void sample() {
  int64_t open = 0;
  const int used = std::min(kSlots, g_slots_used.load(std::memory_order_relaxed));
  for (int k = 0; k < used; ++k)
    open += g_slots[k].handed.load(std::memory_order_relaxed) - g_slots[k].finished.load(std::memory_order_relaxed);
  int64_t p = g_tasks_peak.load(std::memory_order_relaxed);
  while (open > p && !g_tasks_peak.compare_exchange_weak(p, open, std::memory_order_relaxed)) {
  }
}
void handed(int64_t k) {
  thread_local uint32_t calls = 0;
  my_slot().handed.fetch_add(k, std::memory_order_relaxed);
  if (++calls % 64 == 0) sample();
}
void finished(int64_t k) { my_slot().finished.fetch_add(k, std::memory_order_relaxed); }
}  // namespace tasks

int64_t tasks_peak() { return g_tasks_peak.load(); }

void reset() {
  gauge().now.store(0);
  gauge().peak.store(0);
  for (auto& s : g_slots) {
    s.handed.store(0);
    s.finished.store(0);
  }
  g_tasks_peak.store(0);
}

}  // namespace concbench::inflight
