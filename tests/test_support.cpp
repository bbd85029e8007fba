#include "test_support.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
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

}  // namespace concbench::test
