#include "core/schedule.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>
#include <random>
#include <stdexcept>

namespace concbench {

using Clock = std::chrono::steady_clock;

Schedule::Schedule(std::size_t tasks, int64_t rate) {
  void* m = mmap(nullptr, sizeof(std::atomic<int64_t>), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::runtime_error("schedule: cannot map its start");
  start_ns_ = new (m) std::atomic<int64_t>(0);
  if (rate <= 0) return;
  std::mt19937_64 gen(0x5c4ed);
  std::exponential_distribution<double> gap(double(rate) * 1e-9);  // per nanosecond
  double t = 0;
  offsets_.reserve(tasks);
  for (std::size_t k = 0; k < tasks; ++k) {
    t += gap(gen);
    offsets_.push_back(int64_t(t));
  }
}

Schedule::~Schedule() { munmap(start_ns_, sizeof(std::atomic<int64_t>)); }

void Schedule::begin() {
  start_ns_->store(std::chrono::nanoseconds(Clock::now().time_since_epoch()).count());
}

Clock::time_point Schedule::due(std::size_t i) const {
  const int64_t at = start_ns_->load() + (offsets_.empty() ? 0 : offsets_[std::min(i, offsets_.size() - 1)]);
  return Clock::time_point(std::chrono::nanoseconds(at));
}

double Schedule::span_seconds() const {
  return offsets_.size() < 2 ? 0.0 : double(offsets_.back() - offsets_.front()) * 1e-9;
}

}  // namespace concbench
