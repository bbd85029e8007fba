#include "core/server_probe.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

namespace concbench {

namespace {
std::mutex g_mu;
std::optional<ServerInfo> g_server;
}  // namespace

void set_active_server(std::optional<ServerInfo> s) {
  std::lock_guard lock(g_mu);
  g_server = s;
}

std::optional<ServerInfo> active_server() {
  std::lock_guard lock(g_mu);
  return g_server;
}

double process_cpu_seconds(pid_t pid) {
  // Nanoseconds on a CPU of each of its threads (/proc/PID/task/TID/schedstat): finer than
  // the clock ticks of /proc/PID/stat, which are 10 ms, a third of a short run.
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return -1;
  unsigned long long ns = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream f(dir + "/" + e->d_name + "/schedstat");
    unsigned long long on_cpu = 0;
    if (f >> on_cpu) ns += on_cpu;
  }
  closedir(d);
  return double(ns) * 1e-9;
}

double server_cpu_seconds(const ServerInfo& s) {
  double total = process_cpu_seconds(s.pid);
  if (total < 0 || !s.tree) return total;
  {  // children it has reaped (backends that ended): cutime + cstime, in clock ticks
    std::ifstream f("/proc/" + std::to_string(s.pid) + "/stat");
    std::string line;
    if (std::getline(f, line)) {
      const auto close = line.rfind(')');
      std::istringstream rest(line.substr(close + 2));
      std::string field;
      unsigned long long v[17] = {};
      for (int k = 0; k < 15 && rest >> field; ++k) v[k] = std::strtoull(field.c_str(), nullptr, 10);
      total += double(v[13] + v[14]) / double(sysconf(_SC_CLK_TCK));  // fields 16 and 17
    }
  }
  DIR* d = opendir("/proc");
  if (!d) return total;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    const auto close = line.rfind(')');  // the name may hold spaces and parentheses
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 && ppid == s.pid) {
      const double c = process_cpu_seconds(pid_t(pid));
      if (c > 0) total += c;
    }
  }
  closedir(d);
  return total;
}

int64_t server_connections(const ServerInfo& s) {
  if (s.port == 0) return -1;
  int64_t n = 0;
  bool read_any = false;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream f(table);
    std::string line;
    if (!std::getline(f, line)) continue;  // the header
    read_any = true;
    while (std::getline(f, line)) {
      // "  sl  local_address rem_address   st ...": "0: 0100007F:1F90 0100007F:C350 01 ..."
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      if (!(fields >> slot >> local >> remote >> state)) continue;
      const auto colon = local.rfind(':');
      if (colon == std::string::npos || state != "01") continue;  // 01: ESTABLISHED
      if (std::strtoul(local.c_str() + colon + 1, nullptr, 16) == s.port) ++n;
    }
  }
  return read_any ? n : -1;
}

}  // namespace concbench
