// The grid shapes shared by the I/O workloads (io.sleep, io.echo, mixed): a loop model has
// no worker count; a blocking model needs one worker per in-flight wait, so its workers equal
// the concurrency (ThreadPoolExecutor(max_workers=C)); a row with fewer workers shows queueing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/case.hpp"
#include "models/kinds.hpp"

namespace concbench {

enum class IoShape {
  loop,      // coro: one loop, no workers parameter
  loops,     // coro_mt, procs_coro: one loop per core
  blocking,  // threads, tbb, procs, ...: workers = concurrency
};

// The loop shape of an in-process loop model: one loop (no workers), or one per worker.
inline IoShape loop_shape(std::string_view model) {
  const auto k = model_kind(model);
  return k && k->sized ? IoShape::loops : IoShape::loop;
}

// Expands (concurrency, other params...) points into named params for `shape`.
// `queueing` adds, for blocking models, rows with workers = cores < concurrency (where
// those finish within about 2 s).
std::vector<Params> io_points(const Suite& s, IoShape shape,
                              const std::vector<Params>& points, bool queueing = false);

// A peer tool's points (wrk, pgbench): each of `points` on 1 thread (-t 1 / -j 1: one event
// loop, as `coro`) and on every core (as the clients that use them all), as `workers`.
std::vector<Params> peer_points(const Suite& s, const std::vector<Params>& points);

// Connections (or any client state) opened up front, for blocking workers: a task borrows one
// for its request and gives it back, so that C workers share C connections whatever thread
// runs them (a driver's connection pool, as requests.Session or psycopg_pool keep).
template <class Conn>
class BorrowPool {
 public:
  template <class Make>
  BorrowPool(std::size_t size, Make&& make) {
    for (std::size_t k = 0; k < size; ++k) {
      all_.push_back(make());
      free_.push_back(all_.back().get());
    }
  }
  template <class F>
  decltype(auto) with(F&& f) {
    Conn* conn;
    {
      std::lock_guard lock(mu_);
      if (free_.empty()) throw std::logic_error("more requests in flight than connections");
      conn = free_.back();
      free_.pop_back();
    }
    struct Back {
      BorrowPool& pool;
      Conn* conn;
      ~Back() {
        std::lock_guard lock(pool.mu_);
        pool.free_.push_back(conn);
      }
    } back{*this, conn};
    return f(*conn);
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> all_;
  std::vector<Conn*> free_;
};

}  // namespace concbench
