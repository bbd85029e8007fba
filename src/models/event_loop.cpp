#include "models/event_loop.hpp"

#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/fault.hpp"
#include "core/system.hpp"

namespace concbench {

EventLoop::EventLoop() : guard_(ctx_.get_executor()) {
  std::promise<void> running;
  auto started = running.get_future();
  thread_ = std::thread([this] { ctx_.run(); });
  asio::post(ctx_, [&running] { running.set_value(); });
  started.wait();
}

EventLoop::~EventLoop() {
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
      farm.batch.results[i] = co_await farm.task(i, lane);
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

}  // namespace

Batch run_async(EventLoop& loop, std::size_t n, std::size_t lanes, const AsyncTask& task) {
  return run_on({&loop.context()}, n, lanes, task);
}

Batch run_async(LoopGroup& group, std::size_t n, std::size_t lanes, const AsyncTask& task) {
  std::vector<asio::io_context*> loops;
  for (std::size_t i = 0; i < group.workers(); ++i) loops.push_back(&group.loop(i).context());
  return run_on(loops, n, lanes, task);
}

Batch run_async_here(std::size_t n, std::size_t lanes, const AsyncTask& task) {
  Farm farm(n, task);
  if (n == 0) return {};
  asio::io_context ctx{1};
  std::vector<asio::io_context*> loops{&ctx};
  start_lanes(farm, loops, lanes, [] {});
  ctx.run();
  return std::move(farm.batch);
}

}  // namespace concbench
