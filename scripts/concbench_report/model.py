"""Group: benchmark entries -> Points (one per benchmark, repetitions folded into a median with
its spread), Points -> Groups (one per host, revision and core count). Names are read by
concbench_results.names, the models' facts by concbench_results.facts (scripts/compare reads
both too).

A name is <workload>/<model>/<param>:<value>/.../real_time, e.g.
io.sleep/threads/workers:100/concurrency:100/latency_us:10000/real_time; coro has no workers
parameter (it is one loop on one thread). A value is an integer or a word (dispatch:map, and the
scenarios' block:sleep, wait:first, fail:abort): cpu.spin/threads/workers:2/dispatch:map/
grain_us:1000/real_time, loop.blocking/coro/block:sleep/block_ms:10/real_time."""
import re
import statistics
from dataclasses import dataclass, field

from concbench_results.facts import *  # noqa: F401,F403  (the report reads them as model.*)
from concbench_results.facts import declared_floors, declared_order, model_fact, model_floor, model_waits, order_models, peers_in, standing_for
from concbench_results.load import finite
from concbench_results.names import *  # noqa: F401,F403
from concbench_results.names import GB_FIELDS, GB_TAGGED, GB_TAGS, _AGGREGATE_SUFFIX, _TIME_UNIT, NameError_, base_name, parse_name

UNSTABLE_CV = 0.05

@dataclass(frozen=True)
class Stat:
    """One quantity over the repetitions of a benchmark: `value` is the median; lo/hi the
    smallest and largest repetition (None when only aggregates were written); cv the
    coefficient of variation (None for a single run)."""
    value: float
    lo: float = None
    hi: float = None
    n: int = 1
    cv: float = None


@dataclass(frozen=True)
class Point:
    """One benchmark (all its repetitions) of one run group."""
    name: str            # the benchmark's name as in the JSON (run_name)
    workload: str
    model: str
    params: tuple
    stats: dict = field(default_factory=dict)   # counter -> Stat; 'wall_s' is the real time
    error: str = None                            # error or skip message; None when it ran
    source: str = ""                             # the file it came from
    waits: str = None                            # loop | suspend | blocking (model_waits)

    @property
    def ok(self):
        return self.error is None

    @property
    def skipped(self):
        return self.error is not None and self.error.startswith("skipped")

    def get(self, key, default=None):
        """A name parameter; workers defaults to 1 (coro is one loop)."""
        value = dict(self.params).get(key)
        if value is None and key == "workers":
            return 1
        return default if value is None else value

    @property
    def dispatch(self):
        """'map', 'each', or None: the workload has no dispatch, or the file predates it."""
        return dict(self.params).get("dispatch")

    @property
    def saturated(self):
        """io.echo, http, db: the server loaded used >= 90 % of the CPU left to it during the
        run (server_saturated), so this point
        measures the server, not the model; it is shown, marked, and decides nothing."""
        return (self.v("server_saturated") or 0) >= 0.5

    def v(self, counter):
        """The median of `counter`, or None when this benchmark has no such counter."""
        s = self.stats.get(counter)
        return None if s is None else s.value

    @property
    def n(self):
        s = self.stats.get("wall_s")
        return s.n if s else 1

    @property
    def cv(self):
        """Coefficient of variation of the wall time over repetitions (None: one run)."""
        s = self.stats.get("wall_s")
        return s.cv if s else None

    @property
    def unstable(self):
        return self.cv is not None and self.cv > UNSTABLE_CV


@dataclass
class Group:
    """Runs from one machine and build: (host_name, concbench_git_revision, concbench_cores)."""
    key: tuple
    label: str                      # 'A', 'B', ... in input order
    context: dict                   # the first file's context
    files: list = field(default_factory=list)
    suites: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    points: list = field(default_factory=list)
    unparsed: list = field(default_factory=list)   # (name, why) for names we cannot read

    @property
    def host(self):
        return self.key[0]

    @property
    def revision(self):
        return self.key[1]

    @property
    def cores(self):
        return self.key[2]

    @property
    def counters(self):
        return self.context.get("concbench_counters") or {}

    def unit(self, counter):
        """The unit the run's context gives `counter`; None when it gives none (wall_s, the
        real time, is in seconds)."""
        if counter == "wall_s":
            return "s"
        return (self.counters.get(counter) or {}).get("unit")

    def waits(self, model):
        """How `model` waits in this group's runs: loop | suspend | blocking | None."""
        return model_waits(self.context, model)

    def fact(self, model, key, default=None):
        """`key` of `model`'s kind in this group's runs (concbench_results.facts.model_fact)."""
        return model_fact(self.context, model, key, default)

    def stands_for(self, approach, python=False):
        """The model of the C++ binary (or, `python`, of the Python arm) that stands for the
        guide's `approach` ("asyncio", "threading", "multiprocessing"), whether or not it ran;
        None when neither the file nor BEFORE_DECLARED says."""
        models = [m for m in order_models(set(self.models), self.context)
                  if m.startswith("py_") == python]
        return standing_for(self.context, approach, models)

    @property
    def floors(self):
        """{name: Floor}: the machine floors of this group's (first) run."""
        return declared_floors(self.context)

    def floor_of(self, model):
        """The name of the machine floor `model`'s kind names (the cost of its unit), or None."""
        return model_floor(self.context, model)

    @property
    def peers(self):
        """The field's own tools run beside the models (context concbench_peers: wrk)."""
        return peers_in(self.context)

    @property
    def models(self):
        """The models, in the report's order; peers (wrk) are not models."""
        seen = {p.model for p in self.points} | set(self.context.get("concbench_models") or [])
        return order_models(seen - self.peers, self.context)

    @property
    def repeated(self):
        return any(p.n > 1 for p in self.points if p.ok)

    def select(self, workload, model=None, ok=True, **params):
        """Points of `workload` (and `model`) whose name has every given parameter value."""
        out = []
        for p in self.points:
            if p.workload != workload or (model is not None and p.model != model):
                continue
            if ok is not None and p.ok != ok:
                continue
            if all(p.get(k) == v for k, v in params.items()):
                out.append(p)
        return out


def _values(entry):
    """The numbers of one entry: its counters, plus its wall and CPU time in seconds."""
    out = {}
    for key, value in entry.items():
        if key in GB_FIELDS:
            continue
        x = finite(value)
        if x is not None:
            out[key] = x
    scale = _TIME_UNIT.get(entry.get("time_unit", "ns"), 1e-9)
    for key, new in (("real_time", "wall_s"), ("cpu_time", "main_cpu_s")):
        x = finite(entry.get(key))
        if x is not None:
            out[new] = x if entry.get("aggregate_unit") == "percentage" else x * scale
    return out


def fold(entries):
    """Stats of one benchmark from its entries: the median, range and CV of the repetitions;
    when only Google Benchmark's aggregates are there, its median (or mean) and CV."""
    reps = [_values(e) for e in entries if e.get("run_type") != "aggregate"]
    aggs = {e.get("aggregate_name"): _values(e) for e in entries if e.get("run_type") == "aggregate"}
    stats = {}
    if reps:
        for key in sorted({k for r in reps for k in r}):
            xs = [r[key] for r in reps if key in r]
            mean = statistics.fmean(xs)
            cv = (statistics.stdev(xs) / abs(mean)) if len(xs) > 1 and mean else None
            stats[key] = Stat(statistics.median(xs), min(xs), max(xs), len(xs), cv)
        return stats
    centre = aggs.get("median") or aggs.get("mean") or {}
    n = max((e.get("repetitions") or 1) for e in entries)
    for key, value in centre.items():
        cv = (aggs.get("cv") or {}).get(key)
        if cv is None and key in (aggs.get("stddev") or {}) and (aggs.get("mean") or {}).get(key):
            cv = aggs["stddev"][key] / abs(aggs["mean"][key])
        stats[key] = Stat(value, None, None, n, cv)
    return stats


def build_points(entries, source="", context=None):
    """(points, unparsed) from the benchmark entries of one run group, in first-seen order.
    A benchmark with any errored entry is an error point carrying the first message; each
    point knows how its model waits from `context` (model_waits)."""
    context = context or {}
    by_name = {}
    for e in entries:
        by_name.setdefault(base_name(e), []).append(e)
    points, unparsed = [], []
    for name, group in by_name.items():
        try:
            parsed = parse_name(name, declared_words(context))
        except NameError_ as e:
            unparsed.append((name, str(e)))
            continue
        waits = model_waits(context, parsed.model)
        errors = [e for e in group if e.get("error_occurred")]
        if errors:
            msg = str(errors[0].get("error_message") or "error (no message)")
            points.append(Point(name, parsed.workload, parsed.model, parsed.params, {}, msg,
                                errors[0].get("_source", source), waits))
            continue
        points.append(Point(name, parsed.workload, parsed.model, parsed.params, fold(group),
                            None, group[0].get("_source", source), waits))
    return points, unparsed


def group_key(context):
    return (str(context.get("host_name", "?")), str(context.get("concbench_git_revision", "?")),
            int(finite(context.get("concbench_cores")) or finite(context.get("num_cpus")) or 0))


def group_runs(runs):
    """Groups of runs by (host, revision, cores), in input order; files of one group are
    merged, the same benchmark in two files counting as two repetitions."""
    groups, entries = {}, {}
    for run in runs:
        key = group_key(run.context)
        if key not in groups:
            label = chr(ord("A") + len(groups)) if len(groups) < 26 else f"G{len(groups) + 1}"
            groups[key], entries[key] = Group(key, label, run.context), []
        g = groups[key]
        if g.files:  # a second file of the same machine and revision (the Python arm's)
            g.context = merged_context(g.context, run.context)
        g.files.append(run.path)
        g.suites.append(str(run.context.get("concbench_suite", "?")))
        g.dates.append(str(run.context.get("date", "?")))
        entries[key].extend(dict(e, _source=run.path) for e in run.benchmarks)
    for key, g in groups.items():
        g.points, g.unparsed = build_points(entries[key], context=g.context)
    return list(groups.values())
