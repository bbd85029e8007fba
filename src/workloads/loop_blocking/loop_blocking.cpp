#include "workloads/loop_blocking/loop_blocking.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/fault.hpp"
#include "models/engines.hpp"
#include "core/spin.hpp"

namespace concbench::loop_blocking {

namespace {
const bool words = register_words("block", {"async", "sleep", "cpu", "to_thread", "to_procs"});
constexpr std::size_t kMaxSamples = 1 << 16;
using Clock = std::chrono::steady_clock;
}  // namespace

Config config(const Params& p) {
  if (p.get_or("workers", 2) < 2)
    throw std::invalid_argument("loop.blocking needs 2 workers or more: the probe holds one");
  const auto ms = p.get("block_ms");
  const auto tasks = p.get_or("tasks", std::max<int64_t>(2, 200 / std::max<int64_t>(1, ms)));
  return {Block(p.get("block")), std::chrono::microseconds(ms * 1000), std::size_t(tasks)};
}

struct ProbeLog::Shared {
  std::atomic<int> done;
  std::atomic<int> by_deadline;
  std::atomic<uint32_t> ticks;
  float lag_us[kMaxSamples];
};

ProbeLog::ProbeLog() {
  void* m = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::runtime_error("loop.blocking: cannot map the probe's log");
  s_ = new (m) Shared{};
}
ProbeLog::~ProbeLog() { munmap(s_, sizeof(Shared)); }

void ProbeLog::reset() {
  s_->done = 0;
  s_->by_deadline = 0;
  s_->ticks = 0;
}
void ProbeLog::record(std::chrono::nanoseconds lateness) {
  const uint32_t k = s_->ticks.fetch_add(1);
  if (k < kMaxSamples) s_->lag_us[k] = float(double(std::max<int64_t>(0, lateness.count())) * 1e-3);
}
bool ProbeLog::done() const { return s_->done.load() != 0; }
void ProbeLog::set_done() { s_->done = 1; }
void ProbeLog::stopped_by_deadline() { s_->by_deadline = 1; }
std::chrono::nanoseconds ProbeLog::deadline(const Config& c) const {
  return 4 * c.length * c.tasks + std::chrono::seconds(5);
}

void ProbeLog::finish(Batch& b, double run_seconds) const {
  const std::size_t n = std::min<std::size_t>(s_->ticks.load(), kMaxSamples);
  std::string why;
  if (s_->by_deadline)
    why = "the probe ran to its deadline: the blocking task never ran beside it";
  else if (n == 0)
    why = "the probe never woke: no lateness was measured";
  if (!why.empty()) b.errors.push_back(std::move(why));
  b.samples.emplace_back("lag_us", std::vector<float>(s_->lag_us, s_->lag_us + n));
  b.figures.emplace_back("probe_ticks_per_s", double(s_->ticks.load()) / run_seconds);
}

uint64_t probe_value() { return mix64(0x9806e); }

uint64_t call_value(std::size_t k, const Config& c) {
  if (c.block == Block::cpu || c.block == Block::to_procs)
    return spin(mix64(k), spin_iterations_for_us(double(c.length.count())));
  return mix64(k ^ 0xb10c);
}

void check_length(std::size_t k, std::chrono::nanoseconds took, const Config& c) {
  if (took < c.length)
    throw std::runtime_error("blocking call " + std::to_string(k) + " took " +
                             std::to_string(double(took.count()) * 1e-3) + " us, less than its " +
                             std::to_string(c.length.count()) + " us: it was skipped or cut short");
}

uint64_t blocking_call(std::size_t k, const Config& c) {
  if (c.block == Block::cpu || c.block == Block::to_procs) {
    if (fault::skip_compute()) return mix64(k);
    return call_value(k, c);
  }
  const auto t0 = Clock::now();
  if (!fault::skip_wait()) std::this_thread::sleep_for(c.length);
  check_length(k, Clock::now() - t0, c);
  return call_value(k, c);
}

TaskResult blocking_task(std::size_t i, const Config& c, ProbeLog& log) {
  if (i == 0) {
    const auto start = Clock::now();
    // At least one tick, even where the blocker ended before the probe started (a loaded
    // machine may run them one after the other).
    do {
      if (Clock::now() - start > log.deadline(c)) {
        log.stopped_by_deadline();
        break;
      }
      const auto t0 = Clock::now();
      std::this_thread::sleep_for(kProbePeriod);
      log.record(Clock::now() - t0 - kProbePeriod);
    } while (!log.done());
    return {probe_value(), 0};
  }
  EndsProbe ends{log};
  uint64_t acc = 0;
  for (std::size_t k = 0; k < c.tasks; ++k) {
    std::this_thread::sleep_for(c.length);  // the gap: the probe runs alone
    acc = fold(acc, blocking_call(k, c));
  }
  return {acc, 0};
}

Batch with_probe(ProbeLog& log, const std::function<Batch()>& run) {
  log.reset();
  const auto t0 = Clock::now();
  Batch b = run();
  log.finish(b, std::chrono::duration<double>(Clock::now() - t0).count());
  return b;
}

const Workload& workload() {
  static const Workload w{
      .name = "loop.blocking",
      .kind = Kind::scenario,
      .reference = unprepared([](const Params& p) {
            const Config c = config(p);
            Batch b;
            uint64_t acc = 0;
            for (std::size_t k = 0; k < c.tasks; ++k) acc = fold(acc, call_value(k, c));
            b.results = {{probe_value(), 0}, {acc, 0}};
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .question = "How does the event loop work, and what happens if you block it with a "
                  "synchronous call? Running blocking operations from async code (to_thread, "
                  "run_in_executor).",
      .figures =
          {{"lag_us", "us",
            "lateness of a probe that sleeps 1 ms at a time while another task blocks "
            "block_ms at a time (how long after it was due each wake came)",
            true},
           {"probe_ticks_per_s", "1/s", "probe wakes per second (1,000 when never late)"},
           {"slow_steps", "1",
            "loop steps (one handler: a coroutine resumed until it suspends) that held the "
            "loop at least the slow-callback threshold (--slow-callback-ms, 100 ms), per run"},
           {"slow_step_max_ms", "ms", "the longest such step"}},
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool loop) {
  std::vector<int64_t> lengths = s.quick() ? std::vector<int64_t>{10} : std::vector<int64_t>{10, 200};
  std::vector<Block> blocks{Block::sleep, Block::cpu};
  if (loop) blocks = {Block::async, Block::sleep, Block::cpu, Block::to_thread, Block::to_procs};
  std::vector<Params> out;
  for (int64_t ms : lengths)
    for (Block b : blocks) {
      Params p;
      if (!loop) p.set("workers", std::max(2, s.cores));
      p.set("block", int64_t(b));
      p.set("block_ms", ms);
      out.push_back(p);
    }
  return out;
}

namespace {
std::vector<Params> blocking_grid(const Suite& s, std::string_view) { return grid(s, false); }
auto task_list(const Params& p) {
  const Config c = config(p);
  auto log = std::make_shared<ProbeLog>();
  return TaskList{std::size_t(2), [c, log](std::size_t i) { return blocking_task(i, c, *log); },
                  [log](const std::function<Batch()>& run) { return with_probe(*log, run); }};
}
// The probe and the blocker as two tasks on two workers of every model with several: the
// blocking call is the point, so tbb's threads block in it too; on procs the probe's samples
// come back through shared memory mapped before the fork. fibers is left out: its probe
// would sleep its thread, not its fiber (a fiber's form of the probe is not written yet).
const bool registered = register_on_engines(workload(), blocking_grid, task_list,
                                            {.blocking = true, .suspend_blocks = true,
                                             .without = {"fibers"}, .processes = true, .depth = 1});
}  // namespace

}  // namespace concbench::loop_blocking
