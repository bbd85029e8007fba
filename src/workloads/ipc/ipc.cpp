#include "workloads/ipc/ipc.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "models/engines.hpp"
#include "models/kinds.hpp"

namespace concbench::ipc {

namespace {
// The last-level cache of cpu 0 in bytes (sysfs); 32 MiB when it cannot be read.
int64_t last_level_cache() {
  int64_t best = 0;
  for (int idx = 0; idx < 8; ++idx) {
    std::ifstream f("/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(idx) + "/size");
    std::string text;
    if (!(f >> text) || text.empty()) continue;
    int64_t v = std::atoll(text.c_str());
    if (text.back() == 'K') v <<= 10;
    if (text.back() == 'M') v <<= 20;
    best = std::max(best, v);
  }
  return best > 0 ? best : int64_t(32) << 20;
}
}  // namespace

Config config(const Params& p) {
  const auto payload = p.get("payload_bytes");
  static const int64_t total = std::max<int64_t>(int64_t(128) << 20, 2 * last_level_cache());
  const int64_t dflt = payload == 0 ? 20000 : std::clamp<int64_t>(total / payload, 64, 200000);
  return {std::size_t(p.get_or("tasks", dflt)), std::size_t(payload)};
}

Payloads::Payloads(const Config& c) : size_(c.tasks * c.payload), payload_(c.payload) {
  if (size_ > 0) {
    mapped_ = size_;
    void* m = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    madvise(m, mapped_, MADV_HUGEPAGE);  // advice: refused or ignored, the pages are 4 KiB
    data_ = static_cast<char*>(m);
  }
  std::size_t k = 0;
  for (; k + 8 <= size_; k += 8) {
    const uint64_t v = mix64(k);
    std::memcpy(data_ + k, &v, 8);
  }
  for (; k < size_; ++k) data_[k] = char(mix64(k));
}

Payloads::~Payloads() {
  if (data_) munmap(data_, mapped_);
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

std::vector<Params> grid(const Suite& s, std::string_view model) {
  const std::vector<int64_t> sizes = s.quick() ? std::vector<int64_t>{1024, 1 << 20}
                                               : std::vector<int64_t>{0, 1024, 65536, 1 << 20};
  std::vector<Params> points;
  for (auto b : sizes)
    for (const Params& w : worker_points(s, model))
      points.push_back(Params(w).set("payload_bytes", b));
  return with_dispatch(model, points);
}

namespace {
// Every in-process model's workers read the payloads where they lie in this process: no copy
// (the payloads are made after the engine starts).
auto task_list(const Params& p) {
  const Config c = config(p);
  auto data = std::make_shared<Payloads>(c);
  return TaskList{c.tasks, [data](std::size_t i) { return task((*data)[i]); }};
}
const bool registered = register_on_engines(workload(), grid, task_list);
}  // namespace

}  // namespace concbench::ipc
