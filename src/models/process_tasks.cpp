#include "models/process_pool.hpp"
#include "models/process_wire.hpp"

#include "core/inflight.hpp"

#include "core/trace.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "core/system.hpp"

namespace concbench {

using namespace wire;

// ---- farms ----------------------------------------------------------------------------

std::string to_bytes(const std::vector<TaskResult>& results) {
  return std::string(reinterpret_cast<const char*>(results.data()),
                     results.size() * sizeof(TaskResult));
}

std::vector<TaskResult> results_from_bytes(std::string_view bytes) {
  std::vector<TaskResult> r(bytes.size() / sizeof(TaskResult));
  std::memcpy(r.data(), bytes.data(), r.size() * sizeof(TaskResult));
  return r;
}

namespace {
struct Range {
  uint64_t first;
  uint64_t count;
};
}  // namespace

ProcessPool::Handler task_handler(std::function<TaskResult(std::size_t)> task) {
  return [task = std::move(task)](std::string_view payload) {
    Range r{};
    if (payload.size() != sizeof r) throw std::runtime_error("procs: malformed range message");
    std::memcpy(&r, payload.data(), sizeof r);
    std::vector<TaskResult> out(r.count);
    for (uint64_t k = 0; k < r.count; ++k) {
      try {
        out[k] = task(r.first + k);
      } catch (const std::exception& e) {
        throw std::runtime_error("task " + std::to_string(r.first + k) + ": " + e.what());
      }
    }
    return to_bytes(out);
  };
}

void decode_reply(const Reply& reply, std::size_t first, std::size_t count, Batch& into) {
  const std::string tasks = count == 1 ? "task " + std::to_string(first)
                                       : "tasks " + std::to_string(first) + ".." +
                                             std::to_string(first + count - 1);
  if (!reply.ok) {
    // A handler's own message already names its task.
    into.errors.push_back(reply.data.rfind("task ", 0) == 0 ? reply.data : tasks + ": " + reply.data);
    return;
  }
  if (reply.data.size() != count * sizeof(TaskResult)) {
    into.errors.push_back(tasks + ": reply of " + std::to_string(reply.data.size()) +
                          " bytes, expected " + std::to_string(count) + " results");
    return;
  }
  std::memcpy(into.results.data() + first, reply.data.data(), reply.data.size());
}

Batch run_tasks(ProcessPool& pool, std::size_t n, Dispatch dispatch, std::size_t depth) {
  std::vector<Range> ranges;
  if (dispatch == Dispatch::map)
    for (auto [b, e] : Guided(n, pool.workers()).chunks()) ranges.push_back({b, e - b});
  else
    for (std::size_t i = 0; i < n; ++i) ranges.push_back({i, 1});
  std::vector<std::string_view> payloads;
  std::vector<std::size_t> carried;
  payloads.reserve(ranges.size());
  for (auto& r : ranges) {
    payloads.emplace_back(reinterpret_cast<const char*>(&r), sizeof r);
    carried.push_back(r.count);
  }
  const auto replies = pool.run(payloads, depth > 0 ? depth : dispatch == Dispatch::each ? 2 : 1, carried);
  Batch b;
  b.results.resize(n);
  for (std::size_t k = 0; k < ranges.size(); ++k)
    decode_reply(replies[k], ranges[k].first, ranges[k].count, b);
  return b;
}

TaskResult run_one(ProcessPool& pool, std::size_t i) {
  const Range r{i, 1};
  const auto replies = pool.run({std::string_view(reinterpret_cast<const char*>(&r), sizeof r)}, 1);
  Batch b;
  b.results.resize(i + 1);
  decode_reply(replies.at(0), i, 1, b);
  if (!b.errors.empty()) throw std::runtime_error(b.errors.front());
  return b.results[i];
}

Batch run_tasks(ForkPerTask& engine, std::size_t n,
                const std::function<TaskResult(std::size_t)>& task) {
  const auto replies = engine.run(n, [&](std::size_t i) {
    const TaskResult r = task(i);
    return std::string(reinterpret_cast<const char*>(&r), sizeof r);
  });
  Batch b;
  b.results.resize(n);
  for (std::size_t i = 0; i < n; ++i) decode_reply(replies[i], i, 1, b);
  return b;
}

}  // namespace concbench
