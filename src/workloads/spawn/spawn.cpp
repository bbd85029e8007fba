#include "workloads/spawn/spawn.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <algorithm>

#include "core/usage.hpp"

namespace concbench::spawn {

Config config(const Params& p) { return {std::size_t(p.get("units")), p.get_or("parent_mb", 0)}; }

namespace {
int64_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return int64_t(m.uordblks + m.hblkhd);
}
}  // namespace

int64_t kernel_task_memory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kib = 0, total = 0;
  int found = 0;
  std::string unit;
  while (meminfo >> key >> kib) {
    if (key == "KernelStack:" || key == "PageTables:") {
      total += kib * 1024;
      ++found;
    }
    std::getline(meminfo, unit);
  }
  return found == 2 ? total : -1;
}

void Timeline::start() {
  malloc_trim(0);
  rss_before_ = current_rss_bytes();
  heap_before_ = heap_in_use();
  memory_ = -1;
  kernel_before_ = kernel_task_memory();
  kernel_ = -1;
  start_ = Clock::now();
}

void Timeline::sample_kernel() {
  const int64_t now = kernel_task_memory();
  kernel_ = kernel_before_ >= 0 && now >= 0 ? std::max<int64_t>(0, now - kernel_before_) : -1;
}

void Timeline::sample_rss() {
  memory_ = std::max<int64_t>({0, current_rss_bytes() - rss_before_, heap_in_use() - heap_before_});
  sample_kernel();
}

void Timeline::set_memory(int64_t bytes) {
  memory_ = bytes;
  sample_kernel();
}

void Timeline::add_figures(Batch& b, std::size_t units) const {
  const auto us = [](Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); };
  const double n = double(std::max<std::size_t>(1, units));
  b.figures.emplace_back("create_us", us(waiting_ - start_) / n);
  b.figures.emplace_back("complete_us", us(done_ - opening_) / n);
  b.figures.emplace_back("unit_us", (us(waiting_ - start_) + us(done_ - opening_)) / n);
  if (memory_ >= 0) b.figures.emplace_back("mem_per_unit_bytes", double(memory_) / n);
  if (kernel_ >= 0) {
    b.figures.emplace_back("kernel_mem_bytes", double(kernel_));
    b.figures.emplace_back("kernel_mem_per_unit_bytes", double(kernel_) / n);
  }
}

int64_t children_memory(const std::vector<int>& pids) {
  if (pids.empty()) return 0;
  const std::size_t samples = std::min<std::size_t>(16, pids.size());
  int64_t sum = 0;
  for (std::size_t k = 0; k < samples; ++k) {
    const int pid = pids[k * pids.size() / samples];
    sum += std::max<int64_t>(0, private_rss_bytes(pid)) + std::max<int64_t>(0, page_table_bytes(pid));
  }
  return sum / int64_t(samples) * int64_t(pids.size());
}

Ballast::Ballast(int64_t mb) : bytes(std::size_t(mb) << 20) {
  for (std::size_t k = 0; k < bytes.size(); k += 4096) bytes[k] = 1;  // every page resident
}

Batch run_processes(std::size_t units, const CreateProcess& create,
                    const std::function<int(std::size_t)>& expected) {
  Batch b;
  b.results.resize(units);
  int arrive[2], gate[2];
  if (pipe2(arrive, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(gate, O_CLOEXEC) != 0) {
    close(arrive[0]);
    close(arrive[1]);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  if (units > 65536) fcntl(gate[1], F_SETPIPE_SZ, int(units));  // every gate byte fits at once
  Timeline t;
  std::vector<int> pids;
  pids.reserve(units);
  t.start();
  for (std::size_t i = 0; i < units; ++i) {
    const int pid = create(i, arrive[1], gate[0]);
    if (pid < 0) {
      b.errors.push_back("unit " + std::to_string(i) + " could not be started: " + std::strerror(errno));
      break;
    }
    pids.push_back(pid);
  }
  close(arrive[1]);  // from here, end of file means every child has gone
  std::size_t arrived = 0;
  char buf[4096];
  while (arrived < pids.size()) {
    const ssize_t n = read(arrive[0], buf, std::min(sizeof buf, pids.size() - arrived));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    arrived += std::size_t(n);
  }
  t.all_waiting();
  t.set_memory(children_memory(pids));
  t.opening();
  std::string g(pids.size(), 'G');
  for (std::size_t done = 0; done < g.size();) {
    const ssize_t n = write(gate[1], g.data() + done, g.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += std::size_t(n);
  }
  close(gate[1]);
  for (std::size_t i = 0; i < pids.size(); ++i) {
    int status = 0;
    while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == expected(i))
      b.results[i].value = unit_value(i);
    else
      b.errors.push_back("unit " + std::to_string(i) + " " +
                         (WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                            : "was killed by signal " + std::to_string(WTERMSIG(status))) +
                         ", expected " + std::to_string(expected(i)));
  }
  t.done();
  int left = 0;
  ioctl(gate[0], FIONREAD, &left);
  if (left > 0)
    b.errors.push_back(std::to_string(left) + " units never read their gate byte: they did not wait");
  if (arrived < pids.size())
    b.errors.push_back("only " + std::to_string(arrived) + " of " + std::to_string(pids.size()) +
                       " units arrived at the gate");
  close(gate[0]);
  close(arrive[0]);
  t.add_figures(b, units);
  return b;
}

const Workload& workload() {
  static const Workload w{
      .name = "spawn",
      .kind = Kind::scenario,
      .reference = unprepared([](const Params& p) {
            Batch b;
            b.results.resize(config(p).units);
            for (std::size_t i = 0; i < b.results.size(); ++i) b.results[i].value = unit_value(i);
            return b;
          }),
      .items = [](const Params& p) { return int64_t(config(p).units); },
      .question = "async def vs await: what does one unit cost to create, to complete and to "
                  "keep suspended (a coroutine, a thread, a TBB task, a fork, a fork+exec)? A "
                  "coroutine called without await does not run.",
      .figures =
          {{"create_us", "us",
            "time to create one unit until it waits at the gate: the run's creation phase / units"},
           {"complete_us", "us",
            "time to resume one waiting unit and see it finish (joined, reaped): the run's "
            "completion phase / units"},
           {"unit_us", "us", "create_us + complete_us: one unit's whole life"},
           {"mem_per_unit_bytes", "B",
            "memory one waiting unit holds: the larger of this process's RSS growth and its "
            "allocator's growth (bytes in use), / units (coroutines, threads, TBB tasks), or a child's private pages + page tables (processes, mean of "
            "up to 16); the kernel's own per-task memory is kernel_mem_per_unit_bytes"},
           {"kernel_mem_bytes", "B",
            "the kernel's memory for the waiting units: kernel stacks and page tables "
            "(/proc/meminfo KernelStack + PageTables, machine-wide) grown since the run started; "
            "the report reads the per-unit cost as its slope over the unit counts"},
           {"kernel_mem_per_unit_bytes", "B",
            "kernel_mem_bytes / units at one count (machine-wide: other processes' threads "
            "move it; the slope over counts is the figure to trust)"}},
  };
  return w;
}

std::vector<Params> grid(const Suite& s, bool processes) {
  std::vector<int64_t> units = s.quick() ? std::vector<int64_t>{100}
                                         : std::vector<int64_t>{1, 100, 10000, 100000};
  std::vector<Params> out;
  for (int64_t u : units) out.push_back({{"units", u}});
  if (processes)  // a large parent: fork copies its page tables, posix_spawn does not
    for (int64_t u : s.quick() ? std::vector<int64_t>{} : std::vector<int64_t>{1, 100})
      out.push_back({{"units", u}, {"parent_mb", 1024}});
  return out;
}

}  // namespace concbench::spawn
