#include "core/fault.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace concbench::fault {

namespace {
Break from_environment() {
  const char* v = std::getenv("CONCBENCH_TEST_BREAK");
  if (!v) return Break::none;
  if (std::strcmp(v, "skip_wait") == 0) return Break::skip_wait;
  if (std::strcmp(v, "skip_compute") == 0) return Break::skip_compute;
  if (std::strcmp(v, "skip_all") == 0) return Break::skip_all;
  if (std::strcmp(v, "skip_cancel") == 0) return Break::skip_cancel;
  return Break::none;
}
std::atomic<Break> g_break{from_environment()};
}  // namespace

Break current_break() { return g_break.load(std::memory_order_relaxed); }
void set_break(Break b) { g_break.store(b); }

}  // namespace concbench::fault
