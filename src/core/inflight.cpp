#include "core/inflight.hpp"

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

}  // namespace concbench::inflight
