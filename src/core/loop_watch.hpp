// asyncio's debug mode for the asio loops (docs/questions.md question 1): while the watch is on,
// every handler a loop runs is timed: one step of the loop (a coroutine resumed until it
// suspends again, a timer's or a socket's completion). A step that held its thread for at
// least the threshold (asyncio's slow_callback_duration, 100 ms by default) is counted with
// its duration. Off, it costs one relaxed load per handler; on, two clock reads.
//
// With --trace, every step is also a slice of its loop's track (core/trace.hpp).
//
// Asio calls Step through its handler-tracking hooks (core/asio_tracking.hpp, named by
// BOOST_ASIO_CUSTOM_HANDLER_TRACKING for every file of the project).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/trace.hpp"

namespace concbench::loop_watch {

inline constexpr std::chrono::milliseconds kDefaultThreshold{100};

// The threshold (the command line's --slow-callback-ms); kDefaultThreshold until set.
void set_threshold(std::chrono::nanoseconds threshold);
std::chrono::nanoseconds threshold();
// Turns the watch on for every loop of this process; resets the counts.
void enable();
void disable();
bool enabled();

struct Slow {
  int64_t steps = 0;   // steps that took at least the threshold
  double max_ms = 0;   // the longest of them
  double total_ms = 0; // their sum
};
// The slow steps since enable() or the last take(); resets the counts.
Slow take();

// Loop lag (asyncio's loop.time() drift, Node's monitorEventLoopDelay): while probing, every
// asio loop of this process (models/event_loop.hpp) runs a timer due every kLagPeriod and
// records how late it fired. take_lag() returns the samples since the last call (at most about
// a million). The probe is an instrument: its wake-ups would be charged to the model it
// watches, so the harness probes only in a run of its own, after the timed runs
// (bench/harness.cpp).
inline constexpr std::chrono::milliseconds kLagPeriod{1};
void record_lag(std::chrono::nanoseconds lateness);
// Whether the lag is measured at all (on by default; --no-loop-lag turns it off: its wake-ups
// follow wall time, and scripts/instructions needs counts that repeat).
void set_lag_probe(bool on);
bool lag_probe();
std::vector<float> take_lag();  // microseconds

// The loops that can be probed: each registers how to switch its probe on and off (called
// from any thread; the loop switches on its own thread) and unregisters before it stops.
void add_probe(const void* loop, std::function<void(bool on)> switch_probe);
void remove_probe(const void* loop);
// Switches every registered loop's probe, and those of loops started later; false at first.
// Returns how many loops were switched.
std::size_t probing(bool on);
bool probing();

namespace detail {
extern std::atomic<bool> g_on;
void begin() noexcept;
void end() noexcept;
}  // namespace detail

// One handler invocation (asio's tracked_completion). Nested invocations (a handler that
// dispatches another inline) are one step: only the outermost is timed.
class Step {
 public:
  void begin() noexcept {
    if (detail::g_on.load(std::memory_order_relaxed) || trace::on()) {
      timed_ = true;
      detail::begin();
    }
  }
  void end() noexcept {
    if (timed_) {
      timed_ = false;
      detail::end();
    }
  }
  ~Step() { end(); }  // a handler that threw still ends its step

 private:
  bool timed_ = false;
};

}  // namespace concbench::loop_watch
