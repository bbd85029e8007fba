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
        if (queueing && s.cores < c) out.push_back(with_workers(s.cores));
        break;
    }
  }
  return out;
}

}  // namespace concbench
