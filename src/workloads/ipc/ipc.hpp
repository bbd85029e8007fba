// ipc: each task hands payload_bytes of data to a worker, which reads all of it (a 64-bit
// fold) and answers with 8 bytes. Threads and loops read the parent's memory in place;
// processes must copy the payload through a socket: what processes pay to move data that
// threads share. Params: [workers], payload_bytes; tasks (optional, default below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.hpp"

namespace concbench::ipc {

const Workload& workload();

struct Config {
  std::size_t tasks;
  std::size_t payload;
};
// tasks: `tasks` if given, else 128 MiB of payload in all, between 64 and 20,000 tasks.
Config config(const Params& p);

// The data of one run: payload i is the window [8 i, 8 i + payload) of one buffer, so that
// every payload differs without holding tasks x payload bytes.
class Payloads {
 public:
  explicit Payloads(const Config& c);
  std::string_view operator[](std::size_t i) const {
    return std::string_view(buffer_).substr(8 * i, payload_);
  }

 private:
  std::string buffer_;
  std::size_t payload_;
};

// Reads every byte once.
inline uint64_t fold(std::string_view bytes) {
  uint64_t h = mix64(bytes.size());
  std::size_t k = 0;
  for (; k + 8 <= bytes.size(); k += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + k, 8);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  for (; k < bytes.size(); ++k) h = (h ^ uint8_t(bytes[k])) * 0x100000001b3ULL;
  return h;
}

inline TaskResult task(std::string_view payload) { return {fold(payload), 0}; }

std::vector<Params> grid(const Suite& s, bool workers);

}  // namespace concbench::ipc
