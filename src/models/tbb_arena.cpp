#include "models/tbb_arena.hpp"

#include <algorithm>
#include <memory>
#include <atomic>
#include <mutex>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task.h>
#include <oneapi/tbb/task_group.h>

#include "core/inflight.hpp"
#include "core/trace.hpp"

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
                                            Dispatch dispatch) {
  std::mutex mu;
  std::vector<std::string> errors;
  auto guarded = [&](std::size_t i) {
    trace::Span span("task", "tbb", int64_t(i));
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
    if (dispatch == Dispatch::map) {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, n),
          [&](const tbb::blocked_range<std::size_t>& r) {
            const inflight::tasks::Chunk claimed(int64_t(r.size()));  // a range split off
            for (std::size_t i = r.begin(); i != r.end(); ++i) guarded(i);
          },
          tbb::auto_partitioner());
    } else {
      tbb::task_group group;
      for (std::size_t i = 0; i < n; ++i) {
        inflight::tasks::handed();
        group.run([&guarded, i] {
          guarded(i);
          inflight::tasks::finished();
        });
      }
      inflight::tasks::sample();
      group.wait();
    }
  });
  return errors;
}

TbbIo::TbbIo(std::size_t workers) : arena_(workers), reactors_(workers) {}

std::vector<boost::asio::io_context*> TbbIo::reactors() {
  std::vector<boost::asio::io_context*> r;
  for (std::size_t k = 0; k < reactors_.workers(); ++k) r.push_back(&reactors_.loop(k).context());
  return r;
}

void TbbIo::suspend_until(const std::function<void(std::function<void()>)>& start) {
  tbb::task::suspend([&](tbb::task::suspend_point sp) { start([sp] { tbb::task::resume(sp); }); });
}

void TbbIo::after(std::chrono::microseconds d, std::size_t lane, std::function<void()> fire) {
  auto timer = std::make_shared<boost::asio::steady_timer>(reactor(lane), d);
  timer->async_wait([timer, fire = std::move(fire)](const boost::system::error_code&) { fire(); });
}

Batch TbbIo::run_async(std::size_t n, InFlight in_flight, const Start& start) {
  namespace flow = tbb::flow;
  struct Job {
    std::size_t i, lane;
    uint64_t span;  // --trace: the task's async span, 0 when off
  };
  struct Done {
    Job job;
    Rest rest;  // empty: start failed, its error is recorded
  };
  Batch batch;
  batch.results.resize(n);
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  auto error = [&](std::size_t i, const std::string& what) {
    std::lock_guard lock(mu);
    batch.errors.push_back("task " + std::to_string(i) + ": " + what);
  };
  const std::size_t lanes = std::max<std::size_t>(1, std::min(in_flight.lanes, n));
  arena_.execute([&] {
    flow::graph g;  // made inside the arena: its tasks run there
    using Waiting = flow::async_node<Job, Done>;
    Waiting waiting(g, flow::unlimited, [&](const Job& job, Waiting::gateway_type& gateway) {
      gateway.reserve_wait();  // the graph is not done while the operation is in flight
      try {
        if (interrupted()) throw Interrupted();
        start(job.i, job.lane, [&gateway, job](Rest rest) {
          gateway.try_put(Done{job, std::move(rest)});
          gateway.release_wait();
        });
      } catch (const std::exception& e) {
        error(job.i, e.what());
        gateway.try_put(Done{job, {}});
        gateway.release_wait();
      }
    });
    auto launch = [&](std::size_t lane) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n || interrupted()) return;
      const uint64_t span = trace::on() ? trace::next_id() : 0;
      if (span) trace::async_begin("async task", "tbb", span, int64_t(i));
      waiting.try_put(Job{i, lane, span});
    };
    flow::function_node<Done> finish(g, flow::unlimited, [&](const Done& d) {
      if (d.rest) {
        try {
          batch.results[d.job.i] = d.rest();
        } catch (const std::exception& e) {
          error(d.job.i, e.what());
        }
      }
      if (d.job.span) trace::async_end("async task", "tbb", d.job.span);
      launch(d.job.lane);
    });
    flow::make_edge(waiting, finish);
    for (std::size_t lane = 0; lane < lanes; ++lane) launch(lane);
    g.wait_for_all();
  });
  return batch;
}

Batch TbbIo::run(std::size_t n, InFlight in_flight, const Task& task) {
  Batch batch;
  batch.results.resize(n);
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  const std::size_t lanes = std::max<std::size_t>(1, std::min(in_flight.lanes, n));
  arena_.execute([&] {
    tbb::task_group group;
    for (std::size_t lane = 0; lane < lanes; ++lane)
      group.run([&, lane] {
        for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
          try {
            if (interrupted()) throw Interrupted();
            // A task that may suspend: an async span (it can end on another thread).
            const uint64_t span = trace::on() ? trace::next_id() : 0;
            if (span) trace::async_begin("suspendable task", "tbb", span, int64_t(i));
            batch.results[i] = task(i, lane);
            if (span) trace::async_end("suspendable task", "tbb", span);
          } catch (const std::exception& e) {
            std::lock_guard lock(mu);
            batch.errors.push_back("task " + std::to_string(i) + ": " + e.what());
          }
        }
      });
    group.wait();
  });
  return batch;
}

}  // namespace concbench
