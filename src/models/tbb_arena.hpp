// `tbb`: a oneTBB task_arena of P slots (work stealing) with task_group for fork-join.
// Blocking calls inside tasks occupy their slot, as a blocking call in any pool does.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "models/farm.hpp"

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

  // fine: parallel_for with auto_partitioner; blocking: one task per item (simple_partitioner).
  std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>& body,
                                    Grain grain = Grain::fine);

 private:
  std::size_t workers_;
  tbb::global_control control_;
  tbb::task_arena arena_;
};

}  // namespace concbench
