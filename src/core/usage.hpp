// Resource usage of this process (all its threads) and of worker processes, and the peak
// resident set size. Linux only (getrusage, /proc).
#pragma once

#include <cstdint>
#include <sys/resource.h>

namespace concbench {

struct Usage {
  double user_s = 0;
  double sys_s = 0;
  int64_t voluntary_switches = 0;
  int64_t involuntary_switches = 0;
  int64_t peak_rss_bytes = 0;  // summed when usages of distinct processes are added

  Usage& operator+=(const Usage& o);
  friend Usage operator-(Usage a, const Usage& b);  // peak_rss_bytes: keeps a's
  friend Usage operator+(Usage a, const Usage& b) { return a += b; }
};

Usage from_rusage(const rusage& ru);
// This process, all threads. peak_rss_bytes: the peak since the last reset_peak_rss().
Usage self_usage();
// Resets the kernel's peak-RSS mark of this process (/proc/self/clear_refs, "5") so that the
// next peak is this benchmark's, not the whole process's. Returns false where unsupported.
bool reset_peak_rss();
int64_t peak_rss_bytes();
int64_t current_rss_bytes();
// A "Key:   123 kB" line of /proc/self/status in bytes (VmRSS, VmHWM, VmPTE...); -1 if absent.
int64_t status_bytes(const char* key);
// Pages of this process that no other process shares (Private_Clean + Private_Dirty of
// /proc/self/smaps_rollup): a forked worker's own memory, without the copy-on-write pages it
// still shares with its parent (which its RSS would count again). Falls back to the RSS.
int64_t private_rss_bytes();
// The same for another process (0: this one), and its page tables (VmPTE), which no RSS
// counts: what a forked child costs beyond the pages it shares.
int64_t private_rss_bytes(int pid);
int64_t page_table_bytes(int pid);

}  // namespace concbench
