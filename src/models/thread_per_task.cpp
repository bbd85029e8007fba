#include "models/thread_per_task.hpp"

#include "core/inflight.hpp"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

namespace concbench {

std::vector<std::string> ThreadPerTask::for_each(std::size_t n,
                                                 const std::function<void(std::size_t)>& body,
                                                 Dispatch) {
  // Threads are detached so that each releases its stack the moment it ends (a joinable
  // thread keeps it until joined); the shared state outlives the last of them.
  struct State {
    std::mutex mu;
    std::condition_variable changed;
    std::size_t live = 0;
    std::size_t done = 0;
    std::vector<std::string> errors;
  };
  auto st = std::make_shared<State>();
  for (std::size_t i = 0; i < n; ++i) {
    {
      std::unique_lock lock(st->mu);
      st->changed.wait(lock, [&] { return st->live < max_live_; });
      ++st->live;
    }
    inflight::tasks::handed();
    try {
      std::thread([st, &body, i] {
        std::string error;
        try {
          body(i);
        } catch (const std::exception& e) {
          error = e.what();
        } catch (...) {
          error = "unknown exception";
        }
        inflight::tasks::finished();
        std::lock_guard lock(st->mu);
        if (!error.empty()) st->errors.push_back(std::move(error));
        --st->live;
        ++st->done;
        st->changed.notify_all();
      }).detach();
    } catch (const std::system_error& e) {  // no thread: this task fails, the rest go on
      std::lock_guard lock(st->mu);
      st->errors.push_back("task " + std::to_string(i) + ": cannot start a thread: " + e.what());
      inflight::tasks::finished();
      --st->live;
      ++st->done;
    }
  }
  inflight::tasks::sample();
  std::unique_lock lock(st->mu);
  st->changed.wait(lock, [&] { return st->done == n; });
  return std::move(st->errors);
}

void ThreadPerTask::invoke(const std::function<void()>& a, const std::function<void()>& b) {
  std::exception_ptr error;
  std::thread t([&] {
    try {
      a();
    } catch (...) {
      error = std::current_exception();
    }
  });
  try {
    b();
  } catch (...) {
    t.join();
    throw;
  }
  t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace concbench
