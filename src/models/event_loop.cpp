#include "models/event_loop.hpp"

#include <future>
#include <tuple>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/fault.hpp"
#include "core/inflight.hpp"
#include "core/loop_watch.hpp"
#include "core/trace.hpp"
#include "core/system.hpp"
#include "models/tasks.hpp"

namespace concbench {

EventLoop::EventLoop() : guard_(ctx_.get_executor()) {
  std::promise<void> running;
  auto started = running.get_future();
  thread_ = std::thread([this] {
    trace::name_thread("asio loop");
    ctx_.run();
  });
  asio::post(ctx_, [&running] { running.set_value(); });
  started.wait();
  // The probe runs only while the harness probes (never in a timed run): switched on this
  // loop's own thread, so that the timer and its flag need no lock.
  loop_watch::add_probe(this, [this](bool on) {
    asio::post(ctx_, [this, on] {
      if (on == probing_) return;
      probing_ = on;
      if (on)
        arm_lag_probe();
      else
        lag_timer_.cancel();
    });
  });
}

void EventLoop::arm_lag_probe() {
  lag_due_ = std::chrono::steady_clock::now() + loop_watch::kLagPeriod;
  lag_timer_.expires_at(lag_due_);
  lag_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !probing_) return;
    loop_watch::record_lag(std::chrono::steady_clock::now() - lag_due_);
    arm_lag_probe();
  });
}

EventLoop::~EventLoop() {
  loop_watch::remove_probe(this);
  guard_.reset();
  ctx_.stop();
  thread_.join();
}

void EventLoop::run(std::function<asio::awaitable<void>()> body) {
  std::promise<void> done;
  auto finished = done.get_future();
  asio::co_spawn(ctx_, std::move(body), [&done](std::exception_ptr e) {
    if (e)
      done.set_exception(e);
    else
      done.set_value();
  });
  finished.get();
}

LoopGroup::LoopGroup(std::size_t loops) {
  for (std::size_t i = 0; i < loops; ++i) loops_.push_back(std::make_unique<EventLoop>());
}

namespace {

// The state of one farm run, shared by its lanes (on one loop or several).
struct Farm {
  Farm(std::size_t n, const AsyncTask& t) : n(n), task(t) { batch.results.resize(n); }
  const std::size_t n;
  const AsyncTask& task;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> lanes_left{0};
  std::atomic<bool> saw_interrupt{false};
  std::atomic<uint64_t> injected{0};  // core/fault.hpp (test builds only)
  std::mutex mu;
  Batch batch;

  void error(std::string e) {
    std::lock_guard lock(mu);
    batch.errors.push_back(std::move(e));
  }
};

asio::awaitable<void> lane_loop(Farm& farm, std::size_t lane) {
  for (;;) {
    if (interrupted()) {
      if (!farm.saw_interrupt.exchange(true)) farm.error("interrupted");
      co_return;
    }
    const std::size_t i = farm.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= farm.n) co_return;
    try {
      const uint64_t span = trace::on() ? trace::next_id() : 0;  // a coroutine, suspended or not
      if (span) trace::async_begin("coroutine", "coro", span, int64_t(i));
      farm.batch.results[i] = co_await farm.task(i, lane);
      if (span) trace::async_end("coroutine", "coro", span);
      if (fault::repeat_task("coro", farm.injected)) co_await farm.task(i, lane);
    } catch (const std::exception& e) {
      farm.error("task " + std::to_string(i) + ": " + e.what());
    }
  }
}

// Spawns the lanes; `done` runs once, on the loop whose lane finished last.
void start_lanes(Farm& farm, const std::vector<asio::io_context*>& loops, std::size_t lanes,
                 std::function<void()> done) {
  lanes = std::max<std::size_t>(1, std::min(lanes, farm.n));
  farm.lanes_left = lanes;
  auto on_lane_end = [&farm, done](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        farm.error(std::string("lane failed: ") + ex.what());
      } catch (...) {
        farm.error("lane failed");
      }
    }
    if (farm.lanes_left.fetch_sub(1) == 1) done();
  };
  // Each loop spawns its own lanes, so that spawning is not a cross-thread post per lane.
  for (std::size_t l = 0; l < loops.size() && l < lanes; ++l) {
    asio::post(*loops[l], [&farm, &loops, l, lanes, on_lane_end] {
      for (std::size_t lane = l; lane < lanes; lane += loops.size())
        asio::co_spawn(*loops[l], lane_loop(farm, lane), on_lane_end);
    });
  }
}

Batch run_on(const std::vector<asio::io_context*>& loops, std::size_t n, std::size_t lanes,
             const AsyncTask& task) {
  Farm farm(n, task);
  if (n == 0) return {};
  std::promise<void> done;
  auto finished = done.get_future();
  start_lanes(farm, loops, lanes, [&done] { done.set_value(); });
  finished.wait();
  return std::move(farm.batch);
}

std::vector<asio::io_context*> contexts(LoopGroup& group) {
  std::vector<asio::io_context*> loops;
  for (std::size_t i = 0; i < group.workers(); ++i) loops.push_back(&group.loop(i).context());
  return loops;
}

// ---- CPU tasks ----

// The state of one CPU run, shared by its loops.
struct CpuRun {
  CpuRun(std::size_t n, const CpuTask& t, std::size_t loops) : n(n), task(t), loops_left(loops) {
    batch.results.resize(n);
  }
  const std::size_t n;
  const CpuTask& task;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> loops_left;
  std::atomic<uint64_t> injected{0};  // core/fault.hpp (test builds only)
  ScatteredResults scattered;
  std::mutex mu;
  Batch batch;
  std::promise<void> done;

  TaskResult compute(std::size_t i) {
    if (interrupted()) throw Interrupted();
    TaskResult r = task(i);
    if (fault::repeat_task("coro", injected)) r = task(i);
    return r;
  }
  void error(std::string e) {
    std::lock_guard lock(mu);
    batch.errors.push_back(std::move(e));
  }
  void loop_finished() {
    if (loops_left.fetch_sub(1) == 1) done.set_value();
  }
};

std::string what(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

// map: one coroutine per loop claims guided chunks (models/tasks.hpp) until none is left.
asio::awaitable<void> map_chunks(CpuRun& run, const Guided& guided) {
  for (auto [b, e] = guided.claim(run.next); b < e; std::tie(b, e) = guided.claim(run.next)) {
    const inflight::tasks::Chunk claimed(int64_t(e - b));
    for (std::size_t i = b; i < e; ++i) {
      try {
        run.batch.results[i] = run.compute(i);
      } catch (const std::exception& ex) {
        run.error("task " + std::to_string(i) + ": " + ex.what());
        if (interrupted()) co_return;
      }
    }
  }
}

// each: one coroutine per task.
asio::awaitable<void> one_task(CpuRun& run, std::size_t i) {
  run.scattered.put(i, run.compute(i));
  co_return;
}

// One loop's spawner for dispatch:each: keeps up to kWindow tasks spawned and unfinished,
// claiming the next index as each finishes. Runs on its loop's thread only.
struct Spawner {
  static constexpr std::size_t kWindow = 1024;
  CpuRun& run;
  asio::io_context& ctx;
  std::size_t live = 0;
  bool over = false;

  void more() {
    while (!over && live < kWindow) {
      const std::size_t i = interrupted() ? run.n : run.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= run.n) {
        if (live == 0) {
          over = true;
          run.loop_finished();
        }
        return;
      }
      ++live;
      inflight::tasks::handed();
      asio::co_spawn(ctx, one_task(run, i), [this, i](std::exception_ptr e) {
        if (e) run.error("task " + std::to_string(i) + ": " + what(e));
        inflight::tasks::finished();
        --live;
        more();
      });
    }
  }
};

Batch run_cpu(const std::vector<asio::io_context*>& loops, std::size_t n, const CpuTask& task,
              Dispatch dispatch) {
  if (n == 0) return {};
  const std::size_t p = loops.size();
  CpuRun run(n, task, p);
  const Guided guided(n, p);
  auto finished = run.done.get_future();
  std::vector<std::unique_ptr<Spawner>> spawners;
  for (std::size_t k = 0; k < p; ++k) {
    if (dispatch == Dispatch::map) {
      asio::co_spawn(*loops[k], map_chunks(run, guided),
                     [&run](std::exception_ptr e) {
                       if (e) run.error(what(e));
                       run.loop_finished();
                     });
    } else {
      auto& s = *spawners.emplace_back(new Spawner{run, *loops[k]});
      asio::post(*loops[k], [&s] { s.more(); });
    }
  }
  finished.wait();
  if (dispatch == Dispatch::each) run.scattered.into(run.batch.results);
  return std::move(run.batch);
}

}  // namespace

Batch run_tasks(EventLoop& loop, std::size_t n, InFlight in_flight, const AsyncTask& task) {
  return run_on({&loop.context()}, n, in_flight.lanes, task);
}

Batch run_tasks(LoopGroup& group, std::size_t n, InFlight in_flight, const AsyncTask& task) {
  return run_on(contexts(group), n, in_flight.lanes, task);
}

Batch run_tasks_here(std::size_t n, InFlight in_flight, const AsyncTask& task) {
  Farm farm(n, task);
  if (n == 0) return {};
  asio::io_context ctx{1};
  std::vector<asio::io_context*> loops{&ctx};
  start_lanes(farm, loops, in_flight.lanes, [] {});
  ctx.run();
  return std::move(farm.batch);
}

Batch run_tasks(EventLoop& loop, std::size_t n, const CpuTask& task, Dispatch dispatch) {
  return run_cpu({&loop.context()}, n, task, dispatch);
}

Batch run_tasks(LoopGroup& group, std::size_t n, const CpuTask& task, Dispatch dispatch) {
  return run_cpu(contexts(group), n, task, dispatch);
}

}  // namespace concbench
