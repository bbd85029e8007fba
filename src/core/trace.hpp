// --trace FILE (docs/questions.md question 10): a Chrome/Perfetto trace (JSON trace event format) of
// what the engines do: a track per worker thread and per worker process, each handler an asio
// loop runs as a slice ("step"), coroutines and suspended TBB tasks as async spans (so that
// suspended ones show), pool tasks as slices with a flow arrow from where they were submitted,
// and a counter of tasks in flight. Off by default: every site then costs one relaxed load.
//
// Every process writes its own events, at its end, into FILE.parts/<pid>.json (forked
// workers too: they forget what they inherited); the process that started the trace merges
// the parts into FILE when it finishes (trace::finish).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace concbench::trace {

namespace detail {
extern std::atomic<bool> g_on;
}
inline bool on() { return detail::g_on.load(std::memory_order_relaxed); }

using Clock = std::chrono::steady_clock;

// Starts recording in this process, its events bound for `file`'s parts folder (created
// here when `merge`). merge: this process merges every part into `file` at finish().
void start(const std::string& file, bool merge);
// Writes this process's events to its part; if it merges, merges all parts into the file and
// removes the folder. Returns false (with errno's message in *why) when the file could not be
// written.
bool finish(std::string* why = nullptr);
// In a forked child: forget the parent's events (the parent writes them). Call first thing.
void after_fork();
// A forked child about to _exit: write its part (exit handlers do not run after _exit).
void child_exit();

// A slice on this thread: name and category must be string literals (stored as pointers).
void complete(const char* name, const char* cat, Clock::time_point start, Clock::time_point end,
              int64_t arg = -1);
// The end of a flow arrow (see flow_out below), at a slice that starts at `at`.
void flow_end(const char* cat, Clock::time_point at, uint64_t id);
struct Span {
  // `flow`: the id of a flow_out() whose arrow ends at this slice (0: none).
  Span(const char* name, const char* cat, int64_t arg = -1, uint64_t flow = 0)
      : name_(name), cat_(cat), arg_(arg), t0_(on() ? Clock::now() : Clock::time_point{}) {
    if (flow && t0_ != Clock::time_point{}) flow_end(cat, t0_, flow);
  }
  ~Span() {
    if (t0_ != Clock::time_point{}) complete(name_, cat_, t0_, Clock::now(), arg_);
  }
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

 private:
  const char* name_;
  const char* cat_;
  int64_t arg_;
  Clock::time_point t0_;
};
// An async span (a coroutine, a suspended task): begin and end may be on different threads.
uint64_t next_id();
void async_begin(const char* name, const char* cat, uint64_t id, int64_t arg = -1);
void async_end(const char* name, const char* cat, uint64_t id);
// A flow arrow from where a task is handed over to the slice that runs it (a Span given the
// same id), submit -> run: flow_out records a short "submit" slice of category `cat` here and
// the arrow's start on it; the Span, the arrow's end on its own first instant. Each end has
// its slice's timestamp, thread and category, so that both Perfetto's and Chrome DevTools'
// importers bind it (DevTools' binds a flow event only to a slice with exactly those).
void flow_out(uint64_t id, const char* cat);
void counter(const char* name, int64_t value);
// Track names.
void name_thread(const std::string& name);
void name_process(const std::string& name);

// The cost of one recorded slice on this machine, in nanoseconds (measured by recording many
// into a scratch buffer); for the results' context.
double event_cost_ns();

}  // namespace concbench::trace
