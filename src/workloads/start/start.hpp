// start: the cost of starting a model, measured apart from any workload: each run builds the
// engine (threads running, arena joined, loop running, P children forked and ready) and
// stops it. start_s is the start alone; the wall time includes the stop.
// Params: [workers].
#pragma once

#include <chrono>
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "core/case.hpp"
#include "core/system.hpp"
#include "core/fault.hpp"
#include "models/tasks.hpp"

namespace concbench::start {

const Workload& workload();

std::vector<Params> grid(const Suite& s, bool workers);

// A trial whose run is one start and stop of the engine `make()` returns. After the start
// (and outside start_s), `roll_call(engine)` must show that every worker runs: it returns how
// many distinct workers answered, which the reference expects to be `workers` (1 for coro).
template <class Engine, class Make, class RollCall>
class StartTrial final : public Trial {
 public:
  StartTrial(Make make, RollCall roll_call) : make_(std::move(make)), roll_call_(std::move(roll_call)) {}
  Batch run() override {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<Engine> e = make_();
    const auto started = std::chrono::steady_clock::now() - t0;
    const std::size_t answered = fault::skip_wait() ? 0 : roll_call_(*e);
    e.reset();
    return {{{uint64_t(answered), uint64_t(std::chrono::nanoseconds(started).count())}}, {}};
  }

 private:
  Make make_;
  RollCall roll_call_;
};

template <class Engine, class Make, class RollCall>
std::unique_ptr<Trial> start_trial(Make make, RollCall roll_call) {
  return std::make_unique<StartTrial<Engine, Make, RollCall>>(std::move(make), std::move(roll_call));
}

// Distinct loop threads that answer a post (each other than the caller's).
std::size_t answering_loops(const std::vector<boost::asio::io_context*>& loops);

// Distinct threads that run `workers` tasks which all wait for each other (at most 30 s, or
// until interrupted): a pool whose workers did not all start cannot reach the count. The limit
// is long because oneTBB wakes its workers one at a time (docs/findings.md).
template <class Submit>
std::size_t threads_meeting(std::size_t workers, Submit submit_all) {
  std::atomic<std::size_t> arrived{0};
  std::mutex mu;
  std::set<std::thread::id> seen;
  submit_all([&] {
    arrived.fetch_add(1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (arrived.load() < workers && std::chrono::steady_clock::now() < deadline && !interrupted())
      std::this_thread::yield();
    std::lock_guard lock(mu);
    seen.insert(std::this_thread::get_id());
  });
  return seen.size();
}

}  // namespace concbench::start
