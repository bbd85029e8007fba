// file (docs/questions.md question 9): an async context manager. N files of S bytes are each written,
// closed, opened again, read back and verified, every open file inside an RAII scope that
// closes it on every path, including an exception thrown while it is open (fail_pct picks
// the tasks whose body throws: the test that no descriptor leaks; 0 in the suites).
//   coro: asio's stream_file on io_uring, C files in flight on one loop (where io_uring is
//         refused, e.g. by a container's seccomp: the blocking task offloaded to an
//         asio::thread_pool, as aiofiles does; the figure io_uring says which ran);
//   threads, tbb, procs: blocking read()/write() in the workers, one file per task.
// Params: [workers] or concurrency, file_kib, files; fail_pct (optional).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/case.hpp"
#include "models/tasks.hpp"

namespace concbench::file {

const Workload& workload();

struct Config {
  std::size_t files;
  std::size_t bytes;
  std::size_t concurrency;  // coro: files in flight
  int64_t fail_pct;
};
Config config(const Params& p);

// The content of file i, and the digest a read-back must have.
void fill(std::size_t i, std::span<char> out);
uint64_t digest(std::span<const char> data);
// Whether task i's body throws while its file is open.
bool picked(std::size_t i, const Config& c);
[[noreturn]] void throw_injected(std::size_t i);

// This trial's folder (under $TMPDIR, else /tmp), removed with its files when it goes.
class Folder {
 public:
  Folder();
  ~Folder();
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  std::string path(std::size_t i) const { return dir_ + "/f" + std::to_string(i); }

 private:
  std::string dir_;
};

// The blocking task: write file i through an RAII descriptor, read it back, return its digest.
TaskResult blocking_task(std::size_t i, const Config& c, const Folder& dir);

// Whether asio's stream_file works here (io_uring allowed), asked once per process.
bool io_uring_works();

std::vector<Params> grid(const Suite& s, bool loop);

}  // namespace concbench::file
