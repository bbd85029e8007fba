#include "workloads/cpu_real/cpu_real.hpp"

#include "core/fault.hpp"
#include "models/engines.hpp"
#include "models/kinds.hpp"

#include <nlohmann/json.hpp>

namespace concbench::cpu_real {

std::size_t tasks(const Params& p) { return std::size_t(p.get_or("tasks", 2000)); }

std::string document(std::size_t i) {
  nlohmann::json doc;
  doc["id"] = i;
  doc["customer"] = {{"name", "customer-" + std::to_string(mix64(i) % 100000)},
                     {"vip", mix64(i) % 7 == 0},
                     {"tags", {"retail", "eu", std::to_string(i % 13)}}};
  auto& lines = doc["lines"] = nlohmann::json::array();
  for (std::size_t k = 0; k < 12; ++k) {
    const uint64_t r = mix64(i * 31 + k);
    lines.push_back({{"sku", "SKU-" + std::to_string(r % 1000000)},
                     {"qty", int(r % 9) + 1},
                     {"price", double(r % 100000) / 100.0},
                     {"note", std::string(r % 40, 'x')}});
  }
  return doc.dump();
}

std::vector<std::string> documents(std::size_t n) {
  std::vector<std::string> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = document(i);
  return d;
}

TaskResult process(std::string_view text) {
  if (fault::skip_compute()) return {mix64(text.size()), 0};
  auto doc = nlohmann::json::parse(text);
  double total = 0;
  for (const auto& line : doc["lines"]) total += line["qty"].get<int>() * line["price"].get<double>();
  doc["total"] = total;
  const std::string out = doc.dump();
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : out) h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
  return {h, 0};
}

const Workload& workload() {
  static const Workload w{
      .name = "cpu.real",
      .kind = Kind::cpu,
      .reference =
          [](const Params& p) -> std::function<Batch()> {
            auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
            return [docs] {
              Batch b;
              for (const auto& d : *docs) b.results.push_back(process(d));
              return b;
            };
          },
      .items = [](const Params& p) { return int64_t(tasks(p)); },
  };
  return w;
}

std::vector<Params> grid(const Suite& s, std::string_view model) {
  return with_dispatch(model, worker_points(s, model));
}

namespace {
// The documents are made after the engine starts and stay in this process; every in-process
// model (a thread per task takes coarse tasks only, and a document is tens of microseconds).
auto task_list(const Params& p) {
  auto docs = std::make_shared<std::vector<std::string>>(documents(tasks(p)));
  return TaskList{docs->size(), [docs](std::size_t i) { return process((*docs)[i]); }};
}
const bool registered = register_on_engines(workload(), grid, task_list);
}  // namespace

}  // namespace concbench::cpu_real
