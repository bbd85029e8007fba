#include "workloads/start/start.hpp"

#include <boost/asio/post.hpp>
#include <future>

#include "models/engines.hpp"

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

namespace {
// Every in-process model with workers of its own (a thread or a fork per task has none to
// start): a loop model's loops answer a post; a pool's P workers each run one of P tasks that
// wait for each other. fibers is left out: a fiber that waits for the others parks on its
// thread, so P fibers meeting proves no number of running threads.
const bool registered = [] {
  for_each_engine([]<class Engine>(const char* model) {
    const auto k = model_kind(model);
    if (!k || !k->cpu || k->per_task || k->waits == "suspend" && k->family == "fibers") return;
    register_case({
        .workload = &workload(),
        .model = model,
        .grid = [sized = k->sized](const Suite& s) { return grid(s, sized); },
        .make =
            [](const Params& p) {
              auto make = [p] { return make_engine<Engine>(p); };
              if constexpr (requires(Engine& e) { loop_contexts(e); }) {
                return start_trial<Engine>(make, [](Engine& e) { return answering_loops(loop_contexts(e)); });
              } else {
                return start_trial<Engine>(make, [](Engine& e) {
                  return threads_meeting(e.workers(), [&](const std::function<void()>& meet) {
                    e.for_each(e.workers(), [&](std::size_t) { meet(); }, Dispatch::each);
                  });
                });
              }
            },
    });
  });
  return true;
}();
}  // namespace

}  // namespace concbench::start
