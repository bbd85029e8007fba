#include "workloads/file/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/stream_file.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/fault.hpp"
#include "models/engines.hpp"

namespace concbench::file {

Config config(const Params& p) {
  return {std::size_t(p.get("files")), std::size_t(p.get("file_kib")) * 1024,
          std::size_t(p.get_or("concurrency", p.get_or("workers", 1))), p.get_or("fail_pct", 0)};
}

void fill(std::size_t i, std::span<char> out) {
  for (std::size_t k = 0; k < out.size(); k += 8) {
    const uint64_t w = mix64((uint64_t(i) << 32) ^ k);
    std::memcpy(out.data() + k, &w, std::min<std::size_t>(8, out.size() - k));
  }
}

uint64_t digest(std::span<const char> data) {
  uint64_t h = data.size();
  for (std::size_t k = 0; k < data.size(); k += 8) {
    uint64_t w = 0;
    std::memcpy(&w, data.data() + k, std::min<std::size_t>(8, data.size() - k));
    h = mix64(h ^ w);
  }
  return h;
}

bool picked(std::size_t i, const Config& c) { return int64_t(mix64(i ^ 0xf11e) % 100) < c.fail_pct; }

void throw_injected(std::size_t i) {
  throw std::runtime_error("injected failure in task " + std::to_string(i) + " with its file open");
}

Folder::Folder() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/concbench-file-XXXXXX";
  if (!mkdtemp(templ.data()))
    throw std::runtime_error("file: cannot create a folder in " + templ + ": " + std::strerror(errno));
  dir_ = templ;
}

Folder::~Folder() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

namespace {
// A descriptor closed on every path out of its scope.
class Fd {
 public:
  Fd(const std::string& path, int flags) : fd_(::open(path.c_str(), flags | O_CLOEXEC, 0644)) {
    if (fd_ < 0) throw std::runtime_error("open " + path + ": " + std::strerror(errno));
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw std::runtime_error(std::string("write: ") + std::strerror(errno));
    p += w;
    n -= std::size_t(w);
  }
}

std::size_t read_all(int fd, char* p, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::runtime_error(std::string("read: ") + std::strerror(errno));
    if (r == 0) break;
    got += std::size_t(r);
  }
  return got;
}
}  // namespace

TaskResult blocking_task(std::size_t i, const Config& c, const Folder& dir) {
  std::vector<char> data(c.bytes);
  fill(i, data);
  {
    Fd f(dir.path(i), O_WRONLY | O_CREAT | O_TRUNC);
    if (picked(i, c)) throw_injected(i);
    if (!fault::skip_wait()) write_all(f.get(), data.data(), data.size());
  }
  std::vector<char> back(c.bytes);
  {
    Fd f(dir.path(i), O_RDONLY);
    back.resize(read_all(f.get(), back.data(), back.size()));
  }
  return {digest(back), 0};
}

bool io_uring_works() {
  static const bool works = [] {
    try {
      boost::asio::io_context ctx;
      boost::asio::stream_file f(ctx);  // creates asio's io_uring service: its ring
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }();
  return works;
}

const Workload& workload() {
  static const Workload w{
      .name = "file",
      .kind = Kind::scenario,
      .reference = [](const Params& p) -> std::function<Batch()> {
        const Config c = config(p);
        return [c] {
          Batch b;
          b.results.resize(c.files);
          std::vector<char> data(c.bytes);
          for (std::size_t i = 0; i < c.files; ++i) {
            fill(i, data);
            b.results[i].value = digest(data);
          }
          return b;
        };
      },
      .items = [](const Params& p) { return int64_t(config(p).files); },
      .bytes = [](const Params& p) { return int64_t(2 * config(p).files * config(p).bytes); },
      .question = "Writing an async context manager: file I/O inside a scope that always "
                  "closes, async (io_uring) on the loop against blocking I/O in workers; no "
                  "descriptor leaked when the body throws.",
      .figures = {{"io_uring", "1",
                   "coro: 1 when asio's stream_file did the I/O on io_uring, 0 when io_uring was "
                   "refused and the blocking task was offloaded to a thread pool"}},
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool loop) {
  const std::vector<int64_t> kib = s.quick() ? std::vector<int64_t>{64} : std::vector<int64_t>{4, 64, 1024};
  std::vector<Params> out;
  for (int64_t k : kib) {
    Params p;
    if (loop)
      p.set("concurrency", 16);
    else
      p.set("workers", s.cores);
    p.set("file_kib", k);
    p.set("files", k >= 1024 ? 64 : 256);
    out.push_back(p);
  }
  return out;
}

namespace {
std::vector<Params> blocking_grid(const Suite& s, std::string_view) { return grid(s, false); }
auto task_list(const Params& p) {
  const Config c = config(p);
  auto dir = std::make_shared<Folder>();
  return TaskList{c.files, [c, dir](std::size_t i) { return blocking_task(i, c, *dir); }};
}
// One file per task, read by a blocking call on every model whose workers can block (procs:
// in its children): TBB and fibers have no file I/O that suspends, so their thread blocks in
// the read.
const bool registered = register_on_engines(workload(), blocking_grid, task_list,
                                            {.blocking = true, .suspend_blocks = true, .processes = true});
}  // namespace

}  // namespace concbench::file
