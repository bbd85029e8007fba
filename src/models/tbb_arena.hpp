// `tbb`: a oneTBB task_arena of P slots (work stealing) with task_group for fork-join; for I/O,
// TbbIo: an arena sized to the cores whose tasks wait by suspending themselves
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

// `tbb` for I/O: an arena of P threads and P reactor threads (an io_context each) on which the
// waits are asio operations; lane k waits on reactor k % P, so that one reactor thread does
// not bound how many waits end per second (docs/findings.md, "Measurements behind the code").
// Two shapes, both oneTBB's own:
// - run_tasks(e, n, in_flight, start): continuation-passing tasks, a flow graph's async_node
//   (oneTBB's node for work handed to an outside activity): a wait in flight is a pending
//   message, nothing else (io.sleep, mixed);
// - run_tasks(e, n, in_flight, task): tasks that suspend mid-body (tbb::task::suspend), for
//   code that awaits in the middle of a call chain (io.echo, fanout). Each suspended task
//   keeps a stack: oneTBB caches 4 per arena slot and maps and unmaps the rest, so with
//   C >> P waits in flight every wait costs an mmap and an munmap (what that costs:
//   docs/findings.md).
class TbbIo {
 public:
  // REQUIRES: workers >= 1. Starts the arena and the reactor threads.
  explicit TbbIo(std::size_t workers);
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

  // I/O: `in_flight.lanes` tasks (lanes), each claiming the next index i and running
  // task(i, lane), which may suspend; results in task order, one error line per failed task.
  using Task = std::function<TaskResult(std::size_t i, std::size_t lane)>;
  Batch run(std::size_t n, InFlight in_flight, const Task& task);

  // Continuation-passing I/O: `in_flight.lanes` lanes; task i of a lane is start(i, lane,
  // resume), run on an arena thread, which arms an operation (e.g. after()) whose completion
  // calls resume(rest) exactly once, from any thread; rest() then runs on an arena thread and
  // returns task i's result, and the lane's next task starts. `start` may throw only before
  // it arms its operation (then task i is an error and the lane goes on).
  using Rest = std::function<TaskResult()>;
  using Resume = std::function<void(Rest)>;
  using Start = std::function<void(std::size_t i, std::size_t lane, Resume resume)>;
  Batch run_async(std::size_t n, InFlight in_flight, const Start& start);
  // Calls fire() on lane's reactor thread once `d` has passed.
  void after(std::chrono::microseconds d, std::size_t lane, std::function<void()> fire);

 private:
  TbbArena arena_;
  LoopGroup reactors_;
};

inline Batch run_tasks(TbbIo& e, std::size_t n, InFlight in_flight,
                       const TbbIo::Task& task) {
  return e.run(n, in_flight, task);
}
inline Batch run_tasks(TbbIo& e, std::size_t n, InFlight in_flight,
                       const TbbIo::Start& start) {
  return e.run_async(n, in_flight, start);
}

}  // namespace concbench
