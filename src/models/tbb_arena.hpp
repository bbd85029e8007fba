// `tbb`: a oneTBB task_arena of P slots (work stealing) with task_group for fork-join; for I/O,
// TbbSuspending: an arena sized to the cores whose tasks wait by suspending themselves
// (tbb::task::suspend), resumed by a reactor thread when the wait ends, as oneTBB's experts
// do instead of blocking. `tbb_blocking` keeps the blocking shape: a blocking call occupies
// its slot, as in any pool.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <chrono>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "models/event_loop.hpp"
#include "models/tasks.hpp"

namespace concbench {

class TbbArena {
 public:
  // An arena of `workers` slots (the calling thread takes one when it executes work), with
  // the process-wide parallelism limit raised so that P may exceed the core count (I/O).
  // Returns once the workers have joined the arena.
  explicit TbbArena(std::size_t workers);
  ~TbbArena();
  TbbArena(const TbbArena&) = delete;
  TbbArena& operator=(const TbbArena&) = delete;

  std::size_t workers() const { return workers_; }
  // Runs `f` inside the arena on the calling thread (its nested parallelism uses the arena).
  void execute(const std::function<void()>& f);

  // map: parallel_for with auto_partitioner (TBB splits the range itself);
  // each: one task_group::run per task, spawned by the calling thread into the arena.
  std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>& body,
                                    Dispatch dispatch);

 private:
  std::size_t workers_;
  tbb::global_control control_;
  tbb::task_arena arena_;
};

// `tbb` for I/O: an arena of P threads whose tasks suspend while they wait, and P reactor
// threads (an io_context each) on which the waits are asio operations whose completions
// resume the suspended tasks; lane k waits on reactor k % P, so that one reactor thread does
// not bound how many waits end per second (seen: one reactor, 10,000 waits of 100 ms,
// efficiency 0.68 on 16 cores). C waits in flight cost C suspended tasks (each keeps its
// stack), not C threads.
class TbbSuspending {
 public:
  // REQUIRES: workers >= 1. Starts the arena and the reactor threads.
  explicit TbbSuspending(std::size_t workers);
  std::size_t workers() const { return arena_.workers(); }
  // The reactor of lane `lane`, and all of them (lane k on reactors()[k % P]).
  boost::asio::io_context& reactor(std::size_t lane) {
    return reactors_.loop(lane % reactors_.workers()).context();
  }
  std::vector<boost::asio::io_context*> reactors();

  // Suspends the calling task until `start(resume)` has led to resume() being called (from
  // any thread, typically the reactor's); meanwhile the task's thread runs other tasks.
  // REQUIRES: called from a task of this engine's arena.
  static void suspend_until(const std::function<void(std::function<void()> resume)>& start);

  // Suspends the calling task of lane `lane` for `d` (an asio timer on its reactor resumes it).
  void wait_for(std::chrono::microseconds d, std::size_t lane);

  // I/O: `in_flight.lanes` tasks (lanes), each claiming the next index i and running
  // task(i, lane), which may suspend; results in task order, one error line per failed task.
  using Task = std::function<TaskResult(std::size_t i, std::size_t lane)>;
  Batch run(std::size_t n, InFlight in_flight, const Task& task);

 private:
  TbbArena arena_;
  LoopGroup reactors_;
};

inline Batch run_tasks(TbbSuspending& e, std::size_t n, InFlight in_flight,
                       const TbbSuspending::Task& task) {
  return e.run(n, in_flight, task);
}

}  // namespace concbench
