#include "core/server_probe.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
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

}  // namespace concbench
