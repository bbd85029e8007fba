#include "core/case.hpp"

#include <algorithm>
#include <stdexcept>

namespace concbench {

Params& Params::set(const std::string& name, int64_t value) {
  for (auto& [k, v] : kv_)
    if (k == name) {
      v = value;
      return *this;
    }
  kv_.emplace_back(name, value);
  return *this;
}

bool Params::has(std::string_view name) const {
  return std::any_of(kv_.begin(), kv_.end(), [&](auto& kv) { return kv.first == name; });
}

int64_t Params::get(std::string_view name) const {
  for (auto& [k, v] : kv_)
    if (k == name) return v;
  throw std::out_of_range("parameter '" + std::string(name) + "' missing from " + str());
}

int64_t Params::get_or(std::string_view name, int64_t fallback) const {
  return has(name) ? get(name) : fallback;
}

std::string Params::str() const {
  std::string s;
  for (auto& [k, v] : kv_) {
    if (!s.empty()) s += '/';
    s += k + ":" + param_word(k, v).value_or(std::to_string(v));
  }
  return s;
}

std::string_view dispatch_name(Dispatch d) { return d == Dispatch::map ? "map" : "each"; }

namespace {
std::vector<std::pair<std::string, std::vector<std::string>>>& words_registry() {
  static std::vector<std::pair<std::string, std::vector<std::string>>> r{
      {"dispatch", {"each", "map"}}};
  return r;
}
}  // namespace

bool register_words(const std::string& param, std::vector<std::string> words) {
  for (auto& [k, w] : words_registry())
    if (k == param) {
      if (w != words) throw std::logic_error("word parameter '" + param + "' declared twice, differently");
      return true;
    }
  words_registry().emplace_back(param, std::move(words));
  return true;
}

std::optional<std::string> param_word(std::string_view param, int64_t value) {
  for (auto& [k, w] : words_registry())
    if (k == param) {
      if (value < 0 || std::size_t(value) >= w.size())
        throw std::out_of_range("parameter '" + k + "': no word " + std::to_string(value));
      return w[std::size_t(value)];
    }
  return std::nullopt;
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& word_params() {
  return words_registry();
}

uint64_t checksum(const std::vector<TaskResult>& results) {
  uint64_t sum = 0;
  for (const auto& r : results) sum += mix64(r.value);
  return sum;
}

std::vector<int64_t> Suite::worker_sweep() const {
  std::vector<int64_t> w{1, 2, 4, cores};
  std::sort(w.begin(), w.end());
  w.erase(std::unique(w.begin(), w.end()), w.end());
  return w;
}

std::vector<Params> Suite::worker_points(bool has_workers, std::vector<int64_t> extra) const {
  if (!has_workers) return {Params{}};
  std::vector<int64_t> w = workers();
  if (!quick()) w.insert(w.end(), extra.begin(), extra.end());
  std::vector<Params> out;
  for (auto x : w) out.push_back({{"workers", x}});
  return out;
}

namespace {
std::vector<Case>& registry() {
  static std::vector<Case> r;
  return r;
}
}  // namespace

bool register_case(Case c) {
  registry().push_back(std::move(c));
  return true;
}

const std::vector<Case>& cases() { return registry(); }

}  // namespace concbench
