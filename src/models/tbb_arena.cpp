#include "models/tbb_arena.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_group.h>

namespace concbench {

TbbArena::TbbArena(std::size_t workers)
    : workers_(workers),
      control_(tbb::global_control::max_allowed_parallelism,
               std::max<std::size_t>(workers, std::size_t(tbb::info::default_concurrency()))),
      arena_(int(workers)) {
  arena_.initialize();
  // Start cost includes the workers joining: wait until `workers` distinct threads have run a
  // task of this arena (they spin briefly so that one thread cannot take them all).
  std::atomic<std::size_t> joined{0};
  arena_.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, workers, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          joined.fetch_add(r.size());
          const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
          while (joined.load() < workers && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
        },
        tbb::simple_partitioner());
  });
}

TbbArena::~TbbArena() { arena_.terminate(); }

void TbbArena::execute(const std::function<void()>& f) { arena_.execute(f); }

std::vector<std::string> TbbArena::for_each(std::size_t n,
                                            const std::function<void(std::size_t)>& body,
                                            Grain grain) {
  std::mutex mu;
  std::vector<std::string> errors;
  auto guarded = [&](std::size_t i) {
    try {
      body(i);
    } catch (const std::exception& e) {
      std::lock_guard lock(mu);
      errors.emplace_back(e.what());
    } catch (...) {
      std::lock_guard lock(mu);
      errors.emplace_back("unknown exception");
    }
  };
  arena_.execute([&] {
    tbb::task_group group;
    group.run([&] {
      auto range_body = [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) guarded(i);
      };
      if (grain == Grain::fine)
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), range_body,
                          tbb::auto_partitioner());
      else
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), range_body,
                          tbb::simple_partitioner());
    });
    group.wait();
  });
  return errors;
}

}  // namespace concbench
