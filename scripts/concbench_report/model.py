"""Group: benchmark entries -> Points (one per benchmark, repetitions folded into a median with
its spread), Points -> Groups (one per host, revision and core count). Names are parsed here and
nowhere else (scripts/compare reads them with parse_name too).

A name is <workload>/<model>/<param>:<value>/.../real_time, e.g.
io.sleep/threads/workers:100/concurrency:100/latency_us:10000/real_time; coro has no workers
parameter (it is one loop on one thread). A value is an integer or a word (dispatch:map, and the
scenarios' block:sleep, wait:first, fail:abort): cpu.spin/threads/workers:2/dispatch:map/
grain_us:1000/real_time, loop.blocking/coro/block:sleep/block_ms:10/real_time."""
import re
import statistics
from dataclasses import dataclass, field

from .load import finite

# A model's order, family and style (colour, marker, line) are the file's: the binary and the
# Python arm write them into concbench_model_kinds[m] ("order", "family", "style"). A model
# whose file says none (a file written before they were, or a model the writer forgot) gets
# the next free colour and marker of these palettes, in the file's order: never a copy of the
# model list here.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#8c6d31", "#843c39", "#637939",
           "#7b4173", "#e7ba52", "#5254a3", "#ad494a", "#3182bd", "#31a354")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d", "8", "H", "+", "x",
           "1", "2", "3", "4", "|", "_")
LINES = ("solid", "dashed", "dotted", "dashdot")

# How a model waits, as the binary writes it in context["concbench_model_kinds"][m]["waits"]:
#   loop      an event loop (asio) awaits the I/O;
#   suspend   a resumable task (tbb) is suspended while it waits and frees its thread;
#   blocking  a worker blocks for the whole wait.
# The first two hold every one of the C waits the workload asks in flight whatever their
# workers; a blocking model holds min(C, workers), the rest queue (and queueing is not in the
# measured latency: io_sleep.hpp times the sleep itself). Little's law and the queueing lines
# depend on it, so the file's own word is used wherever it has one.
WAITS = ("loop", "suspend", "blocking")
# Files written before concbench_model_kinds existed: these three were the loops, everything
# else blocked (tbb too: its resumable tasks came later).
DEFAULT_WAITS = {"coro": "loop", "coro_mt": "loop", "procs_coro": "loop"}

# How a workload hands its tasks to the model (the name's dispatch segment):
#   each  one task at a time, as a server receives requests;
#   map   the whole range at once, which the model chunks as its experts would (a data job).
# Only these workloads carry it; a result is compared only with others of the same dispatch.
DISPATCHES = ("map", "each")
DISPATCH_WORKLOADS = ("cpu.spin", "cpu.real", "ipc")

# Parameters whose values are words, and their words, as the binary declares them (context
# concbench_words; these are the ones it wrote when this report was written). Any other
# parameter takes integers.
WORD_PARAMS = {"dispatch": ("each", "map"),
               "block": ("async", "sleep", "cpu", "to_thread", "to_procs"),
               "wait": ("all", "each", "first"),
               "fail": ("throw", "abort", "segv"),
               "query": ("pk", "rw", "sleep", "builtin")}


def declared_words(context):
    """WORD_PARAMS, with what the file's context declares (concbench_words) added."""
    words = dict(WORD_PARAMS)
    declared = (context or {}).get("concbench_words")
    if isinstance(declared, dict):
        for k, ws in declared.items():
            if isinstance(k, str) and isinstance(ws, list) and all(isinstance(w, str) for w in ws):
                words[k] = tuple(ws)
    return words


def declared_waits(context):
    """{model: waits} as the file declares it (valid words only)."""
    kinds = context.get("concbench_model_kinds") or {}
    if not isinstance(kinds, dict):
        return {}
    return {m: k["waits"] for m, k in kinds.items()
            if isinstance(k, dict) and k.get("waits") in WAITS}


def model_waits(context, model):
    """'loop', 'suspend' or 'blocking' for `model`: the file's word, else the default of files
    that predate it; None for a model neither knows."""
    declared = declared_waits(context)
    if model in declared:
        return declared[model]
    if context.get("concbench_model_kinds"):
        return None                  # the file has the key but says nothing of this model
    if model in DEFAULT_WAITS:
        return DEFAULT_WAITS[model]
    return "blocking"                # before the key, every model but the loops blocked


# What each file of one group declares for its own models and workloads: merged, the first
# file's entry kept where both have one (the C++ binary's and the Python arm's files).
MERGED_KEYS = ("concbench_model_kinds", "concbench_scenarios", "concbench_words", "concbench_counters")
MERGED_LISTS = ("concbench_models", "concbench_peers", "concbench_workloads")


def merged_context(first, other):
    out = dict(first)
    for k in MERGED_KEYS:
        a, b = first.get(k), other.get(k)
        if isinstance(a, dict) and isinstance(b, dict):
            out[k] = {**b, **a}
        elif a is None and isinstance(b, dict):
            out[k] = b
    for k in MERGED_LISTS:
        a, b = first.get(k), other.get(k)
        if isinstance(a, list) and isinstance(b, list):
            out[k] = a + [x for x in b if x not in a]
        elif a is None and isinstance(b, list):
            out[k] = b
    if "python_version" in other and "python_version" not in out:
        out["python_version"] = other["python_version"]
    return out


def check_model_kinds(context):
    """None when every model kind the file declares says how it waits in a word this report
    knows (or the file predates the key), else a message."""
    kinds = context.get("concbench_model_kinds") or {}
    if not isinstance(kinds, dict):
        return None                  # load.check_context refuses it
    odd = sorted((m, k.get("waits") if isinstance(k, dict) else k) for m, k in kinds.items()
                 if not isinstance(k, dict) or k.get("waits") not in WAITS)
    if odd:
        listed = ", ".join(f"{m}: {w!r}" for m, w in odd)
        return (f"concbench_model_kinds declares waits this report does not know ({listed}); "
                f"it knows {', '.join(WAITS)}: such a model counts as holding every wait in "
                "flight only where its names have no workers (update WAITS in "
                "concbench_report/model.py)")
    return None

# The machine's floors (context["concbench_floors"], bench/floors.cpp): what the cheapest unit
# of each model costs on this machine, e.g. {"thread_switch_us": {"value": 2.1, "unit": "us",
# "how": "..."}}; each model names its own in concbench_model_kinds[m]["floor"]. Both are read
# from the file only: which floor bounds which model is the binary's knowledge (kinds.hpp).


@dataclass(frozen=True)
class Floor:
    name: str
    value: float          # None when the file has null (not measured)
    unit: str
    how: str


def declared_floors(context):
    """{name: Floor} in the file's order; {} when the file has none (or not an object)."""
    floors = context.get("concbench_floors")
    if not isinstance(floors, dict):
        return {}
    return {name: Floor(name, finite(f.get("value")), str(f.get("unit", "")),
                        str(f.get("how", "")))
            for name, f in floors.items() if isinstance(f, dict)}


def floors_state(context):
    """'measured'; 'predates' (no concbench_floors: written before floors were measured); or
    'empty' (the key, but no floor in it: the run failed to measure them)."""
    if "concbench_floors" not in context:
        return "predates"
    return "measured" if declared_floors(context) else "empty"


def model_floor(context, model):
    """The name of the floor `model`'s kind names, or None (no kinds, or none named)."""
    kinds = context.get("concbench_model_kinds") or {}
    kind = kinds.get(model) if isinstance(kinds, dict) else None
    floor = kind.get("floor") if isinstance(kind, dict) else None
    return floor if isinstance(floor, str) and floor else None


# Google Benchmark's own fields: everything else numeric in an entry is a concbench counter.
GB_FIELDS = frozenset({"name", "family_index", "per_family_instance_index", "run_name",
                       "run_type", "repetitions", "repetition_index", "threads", "iterations",
                       "real_time", "cpu_time", "time_unit", "aggregate_name", "aggregate_unit",
                       "error_occurred", "error_message", "label", "big_o", "rms"})
# Name segments Google Benchmark adds itself (not concbench parameters).
GB_TAGS = frozenset({"real_time", "manual_time", "process_time"})
GB_TAGGED = frozenset({"min_time", "min_warmup_time", "iterations", "repeats", "threads"})

_TIME_UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
_NAME = re.compile(r"^(?P<workload>[a-z][a-z0-9_]*(\.[a-z0-9_]+)*)/(?P<model>[a-z][a-z0-9_]*)"
                   r"(?P<rest>(/[^/]+)*)$")
_PARAM = re.compile(r"^(?P<key>[a-z_]+):(?P<value>-?[0-9]+)$")
# A scenario's word parameter (block:sleep, wait:first, fail:abort): its value stays a string.
_WORD = re.compile(r"^(?P<key>[a-z_]+):(?P<value>[a-z][a-z0-9_]*)$")
_AGGREGATE_SUFFIX = re.compile(r"_(mean|median|stddev|cv)$")

UNSTABLE_CV = 0.05


class NameError_(ValueError):
    """A benchmark name that is not <workload>/<model>/<param>:<value>/..."""


@dataclass(frozen=True)
class Name:
    workload: str
    model: str
    params: tuple  # ((key, int), ...) in the order of the name; ('dispatch', 'map'|'each')

    def get(self, key, default=None):
        return dict(self.params).get(key, default)

    @property
    def dispatch(self):
        return self.get("dispatch")


def peers_in(context):
    """The models of a results file's context that are the field's tools (concbench_peers:
    pgbench, wrk), not models of ours."""
    peers = context.get("concbench_peers")
    return set(peers) if isinstance(peers, list) else set()


def parse_name(name, words=None):
    """Name of `name`; raises NameError_ when it is not a concbench name. `words`: the word
    parameters (declared_words(context)); WORD_PARAMS by default.
    NOTE: Google Benchmark's own segments (/real_time, /repeats:N, ...) are dropped."""
    m = _NAME.match(name)
    if not m:
        raise NameError_(f"{name!r}: expected <workload>/<model>/<param>:<value>/...")
    params = []
    for seg in m.group("rest").split("/")[1:]:
        if seg in GB_TAGS:
            continue
        key = seg.split(":", 1)[0]
        if key in GB_TAGGED:
            continue
        if key == "dispatch":
            params.append(("dispatch", parse_dispatch(name, seg)))
            continue
        allowed = (words or WORD_PARAMS).get(key)
        if allowed is not None:
            w = _WORD.match(seg)
            if not w or w.group("value") not in allowed:
                raise NameError_(f"{name!r}: segment {seg!r}: {key} is one of "
                                 f"{', '.join(allowed)}")
            params.append((key, w.group("value")))
            continue
        p = _PARAM.match(seg)
        if not p:
            raise NameError_(f"{name!r}: segment {seg!r} is not <param>:<integer>")
        params.append((p.group("key"), int(p.group("value"))))
    return Name(m.group("workload"), m.group("model"), tuple(params))


def parse_dispatch(name, seg):
    """The word of a dispatch:<word> segment, or NameError_ saying which words there are."""
    word = seg.split(":", 1)[1] if ":" in seg else ""
    if word not in DISPATCHES:
        raise NameError_(f"{name!r}: segment {seg!r}: dispatch is each (one task handed at a "
                         f"time) or map (the whole range, chunked by the model), found {word!r}")
    return word


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


def declared_order(context):
    """The models the file declares, in its order: concbench_model_kinds' "order" where
    given, else the order of concbench_models (then of concbench_model_kinds)."""
    context = context or {}
    kinds = context.get("concbench_model_kinds")
    kinds = kinds if isinstance(kinds, dict) else {}
    listed = [m for m in context.get("concbench_models") or [] if isinstance(m, str)]
    listed += [m for m in kinds if m not in listed]
    def key(m):
        k = kinds.get(m)
        o = k.get("order") if isinstance(k, dict) else None
        return (0, o, listed.index(m)) if isinstance(o, (int, float)) else (1, 0, listed.index(m))
    return sorted(listed, key=key)


def order_models(models, context=None):
    """`models` in the file's declared order; one it does not declare after them, by name."""
    declared = [m for m in declared_order(context) if m in models]
    return declared + sorted(m for m in models if m not in declared)


@dataclass(frozen=True)
class Style:
    colour: str
    marker: str
    line: str      # solid | dashed | dotted | dashdot


def styles(context, models=()):
    """{model: Style} for every model the file declares and every one of `models`: the
    file's own style where it gives one, else the next colour and marker no model uses."""
    kinds = (context or {}).get("concbench_model_kinds")
    kinds = kinds if isinstance(kinds, dict) else {}
    out = {}
    for m, k in kinds.items():
        st = k.get("style") if isinstance(k, dict) else None
        if isinstance(st, dict) and isinstance(st.get("colour"), str) and st["colour"]:
            line = st.get("line") if st.get("line") in LINES else "solid"
            out[m] = Style(st["colour"], str(st.get("marker") or "o"), line)
    used_c = {s.colour.lower() for s in out.values()}
    used_m = {s.marker for s in out.values()}
    free_c = [c for c in PALETTE if c not in used_c] or list(PALETTE)
    free_m = [x for x in MARKERS if x not in used_m] or list(MARKERS)
    for i, m in enumerate(m for m in order_models(set(models) | set(kinds), context) if m not in out):
        out[m] = Style(free_c[i % len(free_c)], free_m[i % len(free_m)], "dashed")
    return out


def base_name(entry):
    """The benchmark an entry belongs to: its run_name, or its name less an aggregate's
    suffix (_mean, _median, ...)."""
    if entry.get("run_name"):
        return entry["run_name"]
    name = entry["name"]
    return _AGGREGATE_SUFFIX.sub("", name) if entry.get("run_type") == "aggregate" else name


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
