// Test-only fault injection, to measure the regression gate's power. Built only
// with -DCONCBENCH_INJECT_SLOWDOWN=<model>:<percent> (CMake; empty by default): the engine of
// <model> then runs one task in every 100/<percent> a second time: a fixed extra amount of
// work on that model's task path, the same in instructions from run to run. Engines that
// honour it: threads (ThreadPool), coro and coro_mt (the event loop's lanes). Results files
// of such a build say so in their context (concbench_injected_slowdown).
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace concbench::fault {

#ifdef CONCBENCH_INJECT_MODEL
inline constexpr std::string_view model = CONCBENCH_INJECT_MODEL;
inline constexpr int percent = CONCBENCH_INJECT_PERCENT;
#else
inline constexpr std::string_view model = "";
inline constexpr int percent = 0;
#endif

// Whether the engine of `engine_model` runs its current task once more.
inline bool repeat_task(std::string_view engine_model, std::atomic<uint64_t>& tasks) {
  if constexpr (percent <= 0) {
    return false;
  } else {
    if (engine_model != model) return false;
    return tasks.fetch_add(1, std::memory_order_relaxed) % uint64_t(100 / percent) == 0;
  }
}

// Test-only breakage (every check must be able to fail): with the environment
// variable CONCBENCH_TEST_BREAK=skip_wait (or skip_compute), or set_break() in a test, every
// workload skips its waits (or its computation) while still returning a result. The harness
// must then report an error for every benchmark, never a number. Off unless asked for.
// skip_all skips both (a scenario mixes waits and computation). skip_cancel skips a
// cancellation that a scenario asks for (fanout's wait:first), and nothing else.
enum class Break { none, skip_wait, skip_compute, skip_all, skip_cancel };
Break current_break();
void set_break(Break b);
inline bool skip_wait() {
  const Break b = current_break();
  return b == Break::skip_wait || b == Break::skip_all;
}
inline bool skip_compute() {
  const Break b = current_break();
  return b == Break::skip_compute || b == Break::skip_all;
}
inline bool skip_cancel() { return current_break() == Break::skip_cancel; }

}  // namespace concbench::fault
