// `thread_per_task`: a new std::thread for every task, at most `max_live` alive at once
// (the thread-per-request server). Differs from `threads` only in that nothing is reused.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "models/tasks.hpp"

namespace concbench {

class ThreadPerTask {
 public:
  // REQUIRES: max_live >= 1. Starts nothing: every thread is created by for_each.
  explicit ThreadPerTask(std::size_t max_live) : max_live_(max_live) {}
  std::size_t workers() const { return max_live_; }

  std::vector<std::string> for_each(std::size_t n, const std::function<void(std::size_t)>& body,
                                    Dispatch dispatch = Dispatch::each);  // each only

  // Fork-join helper for nested parallelism: runs a on a new thread and b on this one.
  static void invoke(const std::function<void()>& a, const std::function<void()>& b);

 private:
  std::size_t max_live_;
};

}  // namespace concbench
