// `procs_coro`: P worker processes, each running its own event loop (one loop per process,
// as a pre-fork server with asyncio in each worker does). I/O: tasks are split into P
// contiguous shards, each run on its process's loop with lanes/P worker coroutines; CPU (one
// lane per process): guided chunks handed out as processes free.
#pragma once

#include "models/event_loop.hpp"
#include "models/process_pool.hpp"

namespace concbench {

// The handler for a ProcessPool whose workers run shards of `task` on their own loop.
ProcessPool::Handler shard_handler(AsyncTask task);
// Runs tasks [0, n) on a pool made with shard_handler, `in_flight.lanes` in flight in all
// (dispatch:map).
Batch run_tasks(ProcessPool& pool, std::size_t n, InFlight in_flight);

}  // namespace concbench
