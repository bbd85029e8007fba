#include "test_support.hpp"

#include "core/system.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <fstream>
#include <sstream>
#include <string>

namespace concbench::test {
namespace {
// (pid, state) of every direct child, from /proc/<pid>/stat: "pid (comm) S ppid ..."
std::vector<std::pair<pid_t, char>> children() {
  std::vector<std::pair<pid_t, char>> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  const pid_t me = getpid();
  while (dirent* e = readdir(d)) {
    const pid_t pid = pid_t(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream f("/proc/" + std::string(e->d_name) + "/stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid;
    if (rest >> state >> ppid && ppid == me) out.emplace_back(pid, state);
  }
  closedir(d);
  return out;
}
}  // namespace

std::vector<pid_t> live_children() {
  std::vector<pid_t> v;
  for (auto [p, s] : children()) v.push_back(p);
  return v;
}

std::vector<pid_t> zombie_children() {
  std::vector<pid_t> v;
  for (auto [p, s] : children())
    if (s == 'Z') v.push_back(p);
  return v;
}

namespace {
// Keeps the work small: few tasks, short waits and grains, few workers.
Params shrink(const Case& c, Params p) {
  const bool workers_follow_concurrency =
      p.has("workers") && p.has("concurrency") && p.get("workers") == p.get("concurrency");
  if (p.has("latency_us")) p.set("latency_us", std::min<int64_t>(p.get("latency_us"), 2000));
  if (p.has("grain_us")) p.set("grain_us", std::min<int64_t>(p.get("grain_us"), 100));
  if (p.has("concurrency")) p.set("concurrency", std::min<int64_t>(p.get("concurrency"), 16));
  if (workers_follow_concurrency) p.set("workers", p.get("concurrency"));
  if (p.has("payload_bytes")) p.set("payload_bytes", std::min<int64_t>(p.get("payload_bytes"), 70000));
  p.set("tasks", c.workload->name == "cpu.nested" ? 100'000 : 48);
  if (p.has("files")) p.set("files", 16);  // file: 16 files
  if (p.has("block_ms")) {  // loop.blocking: three blocking calls of 2 ms
    p.set("block_ms", 2);
    p.set("tasks", 3);
  }
  return p;
}

}  // namespace

std::vector<std::pair<const Case*, Params>> small_points() {
  std::vector<std::pair<const Case*, Params>> out;
  std::set<std::string> seen;  // shrinking makes some points equal
  auto add = [&](const Case& c, const Params& p) {
    // A peer tool this machine lacks (wrk) is the harness's skip, tested on its own.
    if (c.needs && !c.needs(p).programs.empty() && check_needs(c.needs(p), read_limits())) return;
    if (seen.insert(c.name() + "/" + p.str()).second) out.emplace_back(&c, p);
  };
  const Suite quick{"quick", 2};
  for (const Case& c : cases()) {
    for (const Params& raw : c.grid(quick)) {
      const Params p = shrink(c, raw);
      add(c, p);
      // CPU points also at 1 and 3 workers (3: more workers than cores, uneven splits); a
      // scenario keeps its own worker counts.
      // Not for fibers: Boost.Fiber's work stealing is one pool per process, of one size.
      if (c.workload->kind != Kind::scenario && p.has("workers") && !p.has("concurrency") &&
          std::string_view(c.model) != "fibers")
        for (int64_t w : {1, 3}) {
          Params q = p;
          q.set("workers", w);
          add(c, q);
        }
    }
  }
  return out;
}


}  // namespace concbench::test
