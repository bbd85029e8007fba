#include "workloads/io_grid.hpp"

namespace concbench {

std::vector<Params> io_points(const Suite& s, IoShape shape, const std::vector<Params>& points,
                              bool queueing) {
  std::vector<Params> out;
  for (const Params& pt : points) {
    const int64_t c = pt.get("concurrency");
    auto with_workers = [&](int64_t w) {
      Params p{{"workers", w}};
      for (auto& [k, v] : pt.items()) p.set(k, v);
      return p;
    };
    switch (shape) {
      case IoShape::loop:
        out.push_back(pt);
        break;
      case IoShape::loops:
        out.push_back(with_workers(s.cores));
        break;
      case IoShape::blocking:
        out.push_back(with_workers(c));
        // Queueing rows: as many workers as cores, fewer than the waits asked for. Only
        // where the queue drains within 2 s (4C tasks of L each on `cores` workers).
        if (queueing && s.cores < c && pt.has("latency_us") &&
            4 * c * pt.get("latency_us") / s.cores <= 2'000'000)
          out.push_back(with_workers(s.cores));
        break;
    }
  }
  return out;
}

std::vector<Params> peer_points(const Suite& s, const std::vector<Params>& points) {
  std::vector<int64_t> threads{1};
  if (s.cores > 1) threads.push_back(s.cores);
  std::vector<Params> out;
  for (const Params& p : points)
    for (int64_t t : threads) {
      Params q{{"workers", t}};
      for (auto& [k, v] : p.items()) q.set(k, v);
      out.push_back(q);
    }
  return out;
}

}  // namespace concbench
