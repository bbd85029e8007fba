#include "workloads/ipc/ipc.hpp"

#include <algorithm>
#include <memory>

namespace concbench::ipc {

Config config(const Params& p) {
  const auto payload = p.get("payload_bytes");
  const int64_t dflt = std::clamp<int64_t>((int64_t(128) << 20) / std::max<int64_t>(payload, 1),
                                           64, 20000);
  return {std::size_t(p.get_or("tasks", dflt)), std::size_t(payload)};
}

Payloads::Payloads(const Config& c) : buffer_(8 * c.tasks + c.payload, '\0'), payload_(c.payload) {
  for (std::size_t k = 0; k + 8 <= buffer_.size(); k += 8) {
    const uint64_t v = mix64(k);
    std::memcpy(buffer_.data() + k, &v, 8);
  }
}

const Workload& workload() {
  static const Workload w{
      .name = "ipc",
      .kind = Kind::cpu,
      .reference =
          [](const Params& p) -> std::function<Batch()> {
            const Config c = config(p);
            auto data = std::make_shared<Payloads>(c);
            return [c, data] {
              Batch b;
              b.results.resize(c.tasks);
              for (std::size_t i = 0; i < c.tasks; ++i) b.results[i] = task((*data)[i]);
              return b;
            };
          },
      .items = [](const Params& p) { return int64_t(config(p).tasks); },
      .bytes = [](const Params& p) { const Config c = config(p); return int64_t(c.tasks * c.payload); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool workers) {
  const std::vector<int64_t> sizes = s.quick() ? std::vector<int64_t>{1024, 1 << 20}
                                               : std::vector<int64_t>{0, 1024, 65536, 1 << 20};
  std::vector<Params> out;
  for (auto b : sizes)
    out.push_back(workers ? Params{{"workers", s.cores}, {"payload_bytes", b}}
                          : Params{{"payload_bytes", b}});
  return out;
}

}  // namespace concbench::ipc
