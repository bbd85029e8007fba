"""Can these numbers be trusted: Little's law on every I/O result, results beyond their physical
limit, errors and skips, the command that reruns an unstable result, and the data a row needed
but the run lacks. Each check is one pure function over the group (and the rows it reads)."""
import re
from dataclasses import dataclass

from .. import series
from ..units import sig
from .common import BEYOND_TOLERANCE, reason
from .floors import floor_gaps

LITTLE_TOLERANCE = 0.20

# The counters some row, class or check reads: a run that has one without a unit cannot be
# printed honestly.
USED_COUNTERS = ("items_per_second", "bytes_per_second", "speedup", "efficiency",
                 "overhead_per_task_us", "cpu_per_item_us", "rss_per_inflight_bytes",
                 "lat_p50_us", "lat_p99_us", "start_s", "server_cpu_s", "server_saturated",
                 "server_cpu_per_item_us", "connections")


@dataclass(frozen=True)
class LittleCheck:
    name: str
    model: str
    concurrency: int
    workers: int
    expected: float
    measured: float
    ratio: float
    ok: bool


def little_check(p, tol=LITTLE_TOLERANCE):
    """The LittleCheck of one I/O point, or None when it lacks a number the law needs."""
    ips = p.v("items_per_second")
    lat = p.v("lat_mean_us") if p.v("lat_mean_us") is not None else p.v("lat_p50_us")
    c = p.get("concurrency")
    if ips is None or lat is None or not c:
        return None
    expected = c if series.holds_all_in_flight(p) else min(c, p.get("workers"))
    got = ips * lat * 1e-6
    ratio = got / expected
    return LittleCheck(p.name, p.model, c, p.get("workers"), expected, got, ratio,
                       abs(ratio - 1) <= tol)


def little(group, tol=LITTLE_TOLERANCE):
    """Little's law on every I/O result: items/s × mean latency = operations in flight, which
    is C for a model that does not block a worker per wait (an event loop, or tbb's suspended
    tasks: model.WAITS) and min(C, workers) for a blocking one (queued operations are not in
    the measured latency). Files older than lat_mean_us fall back to the p50 latency."""
    checks = (little_check(p, tol) for p in group.points
              if p.ok and p.workload in ("io.sleep", "io.echo"))
    return [c for c in checks if c is not None]


def little_reason(check):
    if check.ratio < 1:
        return (f"on average only {sig(check.measured)} of {sig(check.expected)} operations were "
                "in their measured wait: the rest of the time went outside it (dispatch, "
                "wake-up, fork), so this model does not sustain the concurrency asked")
    return (f"{sig(check.measured)} in flight, more than the {sig(check.expected)} the "
            "concurrency allows: the benchmark keeps more operations in flight than its name "
            "says (C per worker rather than in total?), or latency and throughput disagree")


def little_summary(checks, tol=LITTLE_TOLERANCE):
    """Per model, the results that keep fewer operations in their wait than asked:
    [(model, flagged, checked, worst LittleCheck)], models with none left out."""
    out = []
    for m in dict.fromkeys(c.model for c in checks):
        mine = [c for c in checks if c.model == m]
        low = [c for c in mine if c.ratio < 1 - tol]
        if low:
            out.append((m, len(low), len(mine), min(low, key=lambda c: c.ratio)))
    return out


def beyond_limit(group, tol=BEYOND_TOLERANCE):
    """Results more efficient than the physical limit allows (efficiency > 1 + tol): the
    limit or the benchmark is wrong, never the model faster than possible."""
    return [p for p in group.points if p.ok and (p.v("efficiency") or 0) > 1 + tol]


def problems(group):
    """[(name, kind, message)]: errors, skips and names this report cannot read."""
    out = [(p.name, "skipped" if p.skipped else "error", reason(p)) for p in group.points if not p.ok]
    out += [(name, "unreadable name", why) for name, why in group.unparsed]
    return out


def remedy_command(point):
    return (f"--benchmark_filter='^{re.escape(point.name.removesuffix('/real_time'))}/' "
            "--benchmark_repetitions=10")


def gaps(group, rows, classes):
    """What a row needed but the run lacks: counters without a unit, cells with a missing
    counter, floors a model names that the run did not measure."""
    out = [f"context.concbench_counters has no unit for {counter}" for counter in USED_COUNTERS
           if any(p.v(counter) is not None for p in group.points) and group.unit(counter) is None]
    out += [f"{r.label}, {m}: {c.sources[0]} has {c.text}"
            for r in rows for m, c in r.cells.items() if c.status == "missing"]
    return out + floor_gaps(group)
