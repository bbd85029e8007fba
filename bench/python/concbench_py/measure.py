"""What one Python benchmark measures, as the C++ harness does (bench/harness.cpp): CPU user and
system time of this process and its worker processes, context switches, peak memory with the
workers, latency percentiles from every sample, tasks in flight. Worker processes are read
from /proc while they live (a pool's workers outlive every run), so their CPU counts before
they are reaped."""
import math
import os
import resource

TICK = os.sysconf("SC_CLK_TCK")


def available_cores():
    """The cores this process may run on: its affinity, reduced by a cgroup v2 CPU quota."""
    n = len(os.sched_getaffinity(0))
    try:
        quota, period = open("/sys/fs/cgroup/cpu.max").read().split()
        if quota != "max" and int(period) > 0:
            n = min(n, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n)


def _proc_stat(pid):
    """(user s, system s) of a live process, from /proc/PID/stat; None when it is gone."""
    try:
        text = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[11]) / TICK, int(fields[12]) / TICK


def _proc_status(pid):
    out = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            k, _, v = line.partition(":")
            out[k] = v.split()
    except OSError:
        pass
    return out


def rss_bytes(pid="self"):
    s = _proc_status(pid)
    return int(s["VmRSS"][0]) * 1024 if "VmRSS" in s else 0


def hwm_bytes(pid="self"):
    s = _proc_status(pid)
    return int(s["VmHWM"][0]) * 1024 if "VmHWM" in s else 0


class Usage:
    """CPU and switches of this process (all its threads), its reaped children, plus `workers`
    (live pids, read from /proc: a pool's workers are reaped only after the runs)."""

    def __init__(self, user=0.0, sys=0.0, vol=0, invol=0):
        self.user, self.sys, self.vol, self.invol = user, sys, vol, invol

    @staticmethod
    def now(workers=()):
        r = resource.getrusage(resource.RUSAGE_SELF)
        c = resource.getrusage(resource.RUSAGE_CHILDREN)  # units forked and reaped in a run
        u = Usage(r.ru_utime + c.ru_utime, r.ru_stime + c.ru_stime, r.ru_nvcsw + c.ru_nvcsw,
                  r.ru_nivcsw + c.ru_nivcsw)
        for pid in workers:
            st = _proc_stat(pid)
            if st is None:
                continue
            u.user += st[0]
            u.sys += st[1]
            s = _proc_status(pid)
            u.vol += int(s.get("voluntary_ctxt_switches", ["0"])[0])
            u.invol += int(s.get("nonvoluntary_ctxt_switches", ["0"])[0])
        return u

    def __sub__(self, o):
        return Usage(self.user - o.user, self.sys - o.sys, self.vol - o.vol, self.invol - o.invol)


def peak_overlap(intervals):
    """The most intervals (start, end) open at one instant."""
    events = sorted([(a, 1) for a, _ in intervals] + [(b, -1) for _, b in intervals])
    now = peak = 0
    for _, d in events:
        now += d
        peak = max(peak, now)
    return peak


def percentile(sorted_values, q):
    rank = math.ceil(q * len(sorted_values))
    return sorted_values[min(len(sorted_values) - 1, max(0, rank - 1))]


MASK = (1 << 64) - 1


def mix64(x):
    """splitmix64 (as core/case.hpp's mix64): a task's value, and deterministic data."""
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def checksum(values):
    """Order-independent and sensitive to every task: the sum of mix64(i ^ mix64(value))."""
    return sum(mix64(i ^ mix64(v)) for i, v in enumerate(values)) & MASK
