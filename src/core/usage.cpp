#include "core/usage.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace concbench {

Usage& Usage::operator+=(const Usage& o) {
  user_s += o.user_s;
  sys_s += o.sys_s;
  voluntary_switches += o.voluntary_switches;
  involuntary_switches += o.involuntary_switches;
  peak_rss_bytes += o.peak_rss_bytes;
  return *this;
}

Usage operator-(Usage a, const Usage& b) {
  a.user_s -= b.user_s;
  a.sys_s -= b.sys_s;
  a.voluntary_switches -= b.voluntary_switches;
  a.involuntary_switches -= b.involuntary_switches;
  return a;
}

Usage from_rusage(const rusage& ru) {
  Usage u;
  u.user_s = double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) * 1e-6;
  u.sys_s = double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) * 1e-6;
  u.voluntary_switches = ru.ru_nvcsw;
  u.involuntary_switches = ru.ru_nivcsw;
  u.peak_rss_bytes = int64_t(ru.ru_maxrss) * 1024;
  return u;
}

Usage self_usage() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  Usage u = from_rusage(ru);
  u.peak_rss_bytes = peak_rss_bytes();
  return u;
}

namespace {
std::string proc_file(int pid, const char* name) {
  return pid == 0 ? std::string("/proc/self/") + name : "/proc/" + std::to_string(pid) + "/" + name;
}

int64_t status_bytes_of(int pid, const char* key) {
  std::FILE* f = std::fopen(proc_file(pid, "status").c_str(), "r");
  if (!f) return -1;
  char line[256];
  int64_t kb = -1;
  const size_t n = std::strlen(key);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, key, n) == 0 && line[n] == ':') {
      kb = std::strtoll(line + n + 1, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kb < 0 ? -1 : kb * 1024;
}
}  // namespace

int64_t status_bytes(const char* key) { return status_bytes_of(0, key); }
int64_t page_table_bytes(int pid) { return status_bytes_of(pid, "VmPTE"); }

bool reset_peak_rss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

int64_t peak_rss_bytes() {
  const int64_t hwm = status_bytes("VmHWM");
  if (hwm >= 0) return hwm;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return int64_t(ru.ru_maxrss) * 1024;
}

int64_t current_rss_bytes() { return status_bytes("VmRSS"); }

int64_t private_rss_bytes() { return private_rss_bytes(0); }

int64_t private_rss_bytes(int pid) {
  std::FILE* f = std::fopen(proc_file(pid, "smaps_rollup").c_str(), "r");
  if (!f) return status_bytes_of(pid, "VmRSS");
  char line[256];
  int64_t kb = 0;
  bool found = false;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "Private_Clean:", 14) == 0 || std::strncmp(line, "Private_Dirty:", 14) == 0) {
      kb += std::strtoll(line + 14, nullptr, 10);
      found = true;
    }
  }
  std::fclose(f);
  return found ? kb * 1024 : status_bytes_of(pid, "VmRSS");
}

}  // namespace concbench
