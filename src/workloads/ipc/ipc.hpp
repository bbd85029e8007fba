// ipc: each task hands payload_bytes of data to a worker, which reads all of it (a 64-bit
// fold) and answers with 8 bytes. Threads and loops read the parent's memory in place;
// processes must copy the payload through a socket: what processes pay to move data that
// threads share. Params: [workers], payload_bytes; tasks (optional, default below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.hpp"
#include "models/tasks.hpp"
#include "core/fault.hpp"

namespace concbench::ipc {

const Workload& workload();

struct Config {
  std::size_t tasks;
  std::size_t payload;
};
// tasks: `tasks` if given, else enough distinct payloads to fill max(128 MiB, 2 x the
// last-level cache) (so that no payload is read from a cache warmed by another), between 64
// and 200,000 tasks; 20,000 for empty payloads.
Config config(const Params& p);

// The data of one run: payload i is bytes [i P, (i + 1) P) of one buffer of N x P distinct
// bytes: no two tasks read the same memory.
class Payloads {
 public:
  explicit Payloads(const Config& c);
  ~Payloads();
  Payloads(const Payloads&) = delete;
  Payloads& operator=(const Payloads&) = delete;
  std::string_view operator[](std::size_t i) const { return bytes().substr(i * payload_, payload_); }
  // Payloads [first, first + count) as one contiguous view.
  std::string_view range(std::size_t first, std::size_t count) const {
    return bytes().substr(first * payload_, count * payload_);
  }

 private:
  std::string_view bytes() const { return {data_, size_}; }
  // A mapping of its own, advised to use huge pages and written once (not zero-filled first):
  // the set-up is page faults, not the work; every model and the reference read the same
  // buffers (docs/findings.md has what it saved).
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t mapped_ = 0;
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

inline TaskResult task(std::string_view payload) {
  if (fault::skip_compute()) return {payload.size(), 0};
  return {fold(payload), 0};
}

// The grid of `model`: payload sizes x its dispatch shapes (models/kinds.hpp).
std::vector<Params> grid(const Suite& s, std::string_view model);

}  // namespace concbench::ipc
