#include "models/procs_coro.hpp"

#include <cstring>
#include <stdexcept>

namespace concbench {

namespace {
struct Shard {
  uint64_t first;
  uint64_t count;
  uint64_t lanes;
};
}  // namespace

ProcessPool::Handler shard_handler(AsyncTask task) {
  return [task = std::move(task)](std::string_view payload) {
    Shard s{};
    if (payload.size() != sizeof s) throw std::runtime_error("procs_coro: malformed shard");
    std::memcpy(&s, payload.data(), sizeof s);
    const AsyncTask local = [&](std::size_t i, std::size_t lane) {
      return task(s.first + i, lane);
    };
    Batch b = run_tasks_here(s.count, InFlight{s.lanes}, local);
    if (!b.errors.empty())
      throw std::runtime_error(b.errors.front() + " (" + std::to_string(b.errors.size()) +
                               " errors in this shard)");
    return to_bytes(b.results);
  };
}

Batch run_tasks(ProcessPool& pool, std::size_t n, InFlight in_flight) {
  const std::size_t lanes = in_flight.lanes;
  // Exactly `lanes` in flight in all: with fewer lanes than workers, only `lanes` workers
  // get a shard (a shard without a lane could not run).
  const std::size_t p = std::max<std::size_t>(1, std::min(pool.workers(), lanes));
  // One lane per process, every process used (CPU work): guided chunks, handed out as
  // processes free, as procs' map (each process runs one at a time: `lanes` in flight).
  // Otherwise (I/O, or fewer lanes than processes): one shard per process that has lanes,
  // whose lanes stay in flight to the end.
  std::vector<Shard> shards;
  if (lanes == pool.workers()) {
    for (auto [b, e] : Guided(n, p).chunks()) shards.push_back({b, e - b, 1});
  } else {
    for (std::size_t k = 0; k < p; ++k) {
      const std::size_t first = n * k / p, last = n * (k + 1) / p;
      const std::size_t shard_lanes = lanes / p + (k < lanes % p ? 1 : 0);
      if (last > first) shards.push_back({first, last - first, shard_lanes});
    }
  }
  std::vector<std::string_view> payloads;
  for (auto& s : shards) payloads.emplace_back(reinterpret_cast<const char*>(&s), sizeof s);
  const auto replies = pool.run(payloads);
  Batch b;
  b.results.resize(n);
  for (std::size_t k = 0; k < shards.size(); ++k) decode_reply(replies[k], shards[k].first, shards[k].count, b);
  return b;
}

}  // namespace concbench
