// How a pool of P workers with submit(std::function<void()>), workers() and kModel runs a
// for_each (threads, threads_ws): dispatch:each submits one task per index; dispatch:map
// submits min(P, n) claimers that take guided chunks (models/tasks.hpp) from one atomic index.
// Tasks count down an atomic that the caller waits on: no lock per completion.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/case.hpp"
#include "core/fault.hpp"
#include "core/inflight.hpp"
#include "core/trace.hpp"
#include "models/tasks.hpp"

namespace concbench {

// One for_each: its tasks count down `left`; the caller waits on it (a futex, no lock).
struct Batchwork {
  Batchwork(const std::function<void(std::size_t)>& b, std::size_t tasks, std::string_view m)
      : body(b), left(tasks), model(m) {}
  const std::function<void(std::size_t)>& body;
  std::atomic<std::size_t> left;
  std::atomic<std::size_t> next{0};  // map: the next unclaimed index
  std::string_view model;             // whose tasks these are, for core/fault.hpp
  std::atomic<uint64_t> injected{0};  // core/fault.hpp (test builds only)
  std::mutex mu;                      // errors only: the success path takes no lock
  std::vector<std::string> errors;

  // Flow ids of this batch's tasks (--trace): seq in the high bits, the index in the low.
  const uint64_t seq = trace::on() ? trace::next_id() << 24 : 0;

  void run(std::size_t i) noexcept {
    trace::Span span("task", model.data(), int64_t(i), seq ? seq + i : 0);
    try {
      body(i);
      if (fault::repeat_task(model, injected)) body(i);
    } catch (const std::exception& e) {
      std::lock_guard lock(mu);
      errors.emplace_back(e.what());
    } catch (...) {
      std::lock_guard lock(mu);
      errors.emplace_back("unknown exception");
    }
  }
  void finished(std::size_t k) {
    if (left.fetch_sub(k, std::memory_order_acq_rel) == k) left.notify_all();
  }
  void wait() {
    for (std::size_t v; (v = left.load(std::memory_order_acquire)) != 0;)
      left.wait(v, std::memory_order_acquire);
  }
};

template <class Pool>
std::vector<std::string> submit_each_or_chunks(Pool& pool, std::size_t n,
                                               const std::function<void(std::size_t)>& body,
                                               Dispatch dispatch) {
  if (n == 0) return {};
  if (dispatch == Dispatch::each) {
    Batchwork work(body, n, Pool::kModel);
    // A two-word capture: std::function keeps it inline, no allocation per task.
    for (std::size_t i = 0; i < n; ++i) {
      if (work.seq) trace::flow_out(work.seq + i, Pool::kModel);
      inflight::tasks::handed();
      pool.submit([w = &work, i] {
        w->run(i);
        inflight::tasks::finished();
        w->finished(1);
      });
    }
    inflight::tasks::sample();
    work.wait();
    return std::move(work.errors);
  }
  // Guided chunks (models/tasks.hpp) claimed from one index.
  const Guided guided(n, pool.workers());
  const std::size_t claimers = std::min(guided.p, n);
  Batchwork work(body, claimers, Pool::kModel);
  for (std::size_t k = 0; k < claimers; ++k)
    pool.submit([w = &work, &guided] {
      for (auto [b, e] = guided.claim(w->next); b < e; std::tie(b, e) = guided.claim(w->next)) {
        const inflight::tasks::Chunk claimed(int64_t(e - b));
        for (std::size_t i = b; i < e; ++i) w->run(i);
      }
      w->finished(1);
    });
  work.wait();
  return std::move(work.errors);
}

}  // namespace concbench
