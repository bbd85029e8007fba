// start: the cost of starting a model, measured apart from any workload: each run builds the
// engine (threads running, arena joined, loop running, P children forked and ready) and
// stops it. start_s is the start alone; the wall time includes the stop.
// Params: [workers].
#pragma once

#include <chrono>
#include <memory>

#include "core/case.hpp"

namespace concbench::start {

const Workload& workload();

std::vector<Params> grid(const Suite& s, bool workers);

// A trial whose run is one start and stop of Engine(args...).
template <class Engine, class Make>
class StartTrial final : public Trial {
 public:
  explicit StartTrial(Make make) : make_(std::move(make)) {}
  Batch run() override {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<Engine> e = make_();
    const auto started = std::chrono::steady_clock::now() - t0;
    e.reset();
    return {{{1, uint64_t(std::chrono::nanoseconds(started).count())}}, {}};  // 1: started
  }

 private:
  Make make_;
};

template <class Engine, class Make>
std::unique_ptr<Trial> start_trial(Make make) {
  return std::make_unique<StartTrial<Engine, Make>>(std::move(make));
}

}  // namespace concbench::start
