#include "workloads/start/start.hpp"

#include <boost/asio/post.hpp>
#include <future>

namespace concbench::start {

std::size_t answering_loops(const std::vector<boost::asio::io_context*>& loops) {
  std::vector<std::promise<std::thread::id>> answers(loops.size());
  for (std::size_t k = 0; k < loops.size(); ++k)
    boost::asio::post(*loops[k], [&a = answers[k]] { a.set_value(std::this_thread::get_id()); });
  std::set<std::thread::id> seen;
  for (auto& a : answers) {
    auto f = a.get_future();
    if (f.wait_for(std::chrono::seconds(5)) == std::future_status::ready) seen.insert(f.get());
  }
  seen.erase(std::this_thread::get_id());
  return seen.size();
}

const Workload& workload() {
  static const Workload w{
      .name = "start",
      .kind = Kind::start,
      // Every worker answered the roll call: `workers` of them (one loop for coro).
      .reference = unprepared([](const Params& p) {
        return Batch{{{uint64_t(p.get_or("workers", 1)), 0}}, {}};
      }),
      .items = [](const Params&) { return int64_t(1); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool workers) {
  return workers ? s.worker_points(true, {100, 1000}) : std::vector<Params>{Params{}};
}

}  // namespace concbench::start
