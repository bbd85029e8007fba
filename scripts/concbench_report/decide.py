"""Decide: from one Group's Points to what the report says: the headline table, the winner of
each workload class (ties within the measured noise), the guide's claims with a verdict,
Little's law, stability, errors and skips, and each plot's title. Pure functions over plain
data; every number keeps the benchmark name it came from.

How ties are called: two results tie when they differ by no more than 2 x the larger
coefficient of variation of their repetitions, or, when either ran once (no spread known),
by no more than DEFAULT_TOLERANCE.

Models are compared only within one dispatch (model.DISPATCHES): a row, class, guide row, title
or plot of cpu.spin, cpu.real or ipc exists once per dispatch measured, its key suffixed with
it (cpu_speedup_map) and its label saying it. A point whose echo server was saturated
(Point.saturated) is shown, marked ⊘, and never ranked."""
import math
import re
from dataclasses import dataclass, field

from . import series
from .series import (EFFICIENT, at_cores, coarse_grain, queueing, shape_key, shape_label, shapes,
                     values)
from .units import fmt, nbytes, param, percent, seconds, sig

DEFAULT_TOLERANCE = 0.05
LITTLE_TOLERANCE = 0.20
BEYOND_TOLERANCE = 0.05   # efficiency above 1 + this is beyond the physical limit
SATURATED = "⊘"          # marks a point whose echo server was saturated
SATURATED_WHY = ("the echo server used ≥ 90 % of its cores during the run, so the point "
                 "measures the server, not the model: it is shown but ranks nothing and decides "
                 "no verdict")
# What each dispatch means, for the 'decided by' column.
DISPATCH_WORDS = {"map": "the whole range handed to the model, which chunks it (a data job)",
                  "each": "one task handed to the model at a time (a server)",
                  None: "dispatch not in the names (an older file): its own shape"}
REMEDY = ("rerun with --benchmark_repetitions=10 (median and spread) or "
          "--benchmark_min_time=2, on an otherwise idle machine")


@dataclass(frozen=True)
class Cell:
    """One table cell: a measured number with its unit (text), the benchmark names it comes
    from (sources), and a note saying where on the sweep it was taken."""
    text: str
    sources: tuple = ()
    note: str = ""
    status: str = "ok"      # ok | none (nothing qualifies) | absent (not run) | skipped | error | missing
    value: float = None
    unstable: bool = False


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    how: str                # how the row is measured, one sentence
    cells: dict             # model -> Cell
    dispatch: str = None    # the one dispatch its cells share (None: none or unknown)


@dataclass(frozen=True)
class Entry:
    """One model's best result in a workload class."""
    model: str
    cell: Cell
    score: float = None     # items per second, the ranking key (higher is better)
    point: object = None


@dataclass(frozen=True)
class ClassResult:
    key: str
    label: str
    case: str               # which benchmarks decide it, in words
    ranking: tuple          # Entries measured, best first
    absent: tuple           # Entries not measured, skipped or errored
    winners: tuple          # models, the best and those tied with it
    tolerance: float
    tolerance_from: str     # 'repetitions' | 'default'
    summary: str
    at: dict = field(default_factory=dict)   # the name parameters of the case (dispatch too)

    @property
    def dispatch(self):
        return self.at.get("dispatch")

    @property
    def tie(self):
        return len(self.winners) > 1


@dataclass(frozen=True)
class GuideRow:
    approach: str
    model: str
    aspect: str
    claim: str
    measured: Cell
    verdict: str
    kind: str               # holds | partly | differs | unknown

    @property
    def key(self):
        """What names the row across run groups (the aspect says the dispatch)."""
        return (self.approach, self.model, self.aspect, self.claim)


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


@dataclass
class Decisions:
    group: object
    headline: list = field(default_factory=list)
    best_for: list = field(default_factory=list)
    guide: list = field(default_factory=list)
    little: list = field(default_factory=list)
    unstable: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    titles: dict = field(default_factory=dict)
    beyond: list = field(default_factory=list)
    saturated: list = field(default_factory=list)   # points whose echo server was saturated
    tolerance: float = DEFAULT_TOLERANCE


# ---------------------------------------------------------------------------------- cells

def short_error(message, limit=70):
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def spread(stat):
    """' ±1.2 %' (the coefficient of variation) for repetitions, '' for a single run."""
    if stat is None or stat.n < 2 or stat.cv is None:
        return ""
    return f" ±{percent(stat.cv)}"


def measured(group, point, counter, note=""):
    """The cell of `counter` in `point`: its median with unit (and spread), or why not."""
    if point is None:
        return Cell("not measured", status="absent", note=note)
    if not point.ok:
        return problem_cell(point)
    stat = point.stats.get(counter)
    if stat is None:
        return Cell(f"no {counter}", (point.name,), note, status="missing")
    unit = group.unit(counter)
    text = fmt(stat.value, unit) + spread(stat)
    beyond = (point.v("efficiency") or 0) > 1 + BEYOND_TOLERANCE
    if point.unstable or beyond:
        text += " ⚠"
    if point.saturated:
        text += f" {SATURATED}"
    if stat.n > 1:
        note = (note + "; " if note else "") + f"median of {stat.n}"
    if beyond:
        note = (note + "; " if note else "") + "beyond the physical limit: see Trust"
    if point.saturated:
        note = (note + "; " if note else "") + "echo server saturated: measures the server"
    return Cell(text, (point.name,), note, value=stat.value, unstable=point.unstable)


def reason(point):
    """The error or skip message without its 'skipped:' and without the benchmark's own name
    (the cell already cites it)."""
    text = re.sub(r"^skipped:\s*", "", point.error)
    for name in (point.name, point.name.removesuffix("/real_time")):
        text = text.removeprefix(name + ": ").removeprefix(name + ":")
    return text.strip()


def problem_cell(point):
    kind = "skipped" if point.skipped else "error"
    return Cell(f"{kind}: {short_error(reason(point), 60)}", (point.name,), status=kind)


def absent(group, workload, model, **params):
    """Why `model` has no result: the skip or error of a matching benchmark, the other dispatch
    being the only one it runs (thread_per_task: each; procs_coro: map), or not run."""
    bad = group.select(workload, model, ok=False, **params)
    if bad:
        return problem_cell(bad[0])
    if "dispatch" in params and not group.select(workload, model, ok=None, **params):
        others = [d for d in shapes(group, workload) if d != params["dispatch"] and d is not None
                  and group.select(workload, model, ok=None, dispatch=d)]
        if others:
            return Cell(f"dispatch: {' and '.join(others)} only", status="absent",
                        note=f"{model} is not run with dispatch: {params['dispatch']}")
    return Cell("not measured", status="absent")


def where(point, *keys):
    """'C = 100, L = 10 ms' from the name parameters `keys` of `point`."""
    return ", ".join(param(k, point.get(k)) for k in keys if k in dict(point.params))


def workers_note(point):
    return "one loop" if "workers" not in dict(point.params) else f"P = {sig(point.get('workers'))}"


# ------------------------------------------------------------------------------- headline

def io_reach(group, model):
    """(point, reached) for `model` on io.sleep: the highest concurrency at efficiency >= 0.9
    (shortest latency among those), or, when none reaches it, the most efficient point."""
    pts = [p for p in group.select("io.sleep", model)
           if p.v("efficiency") is not None and not p.saturated]
    good = [p for p in pts if p.v("efficiency") >= EFFICIENT]
    if good:
        top = max(p.get("concurrency") for p in good)
        return min((p for p in good if p.get("concurrency") == top),
                   key=lambda p: (p.get("latency_us"), -p.v("efficiency"))), True
    if pts:
        return max(pts, key=lambda p: p.v("efficiency")), False
    return None, False


def reach_cell(group, model):
    point, reached = io_reach(group, model)
    if point is None:
        return absent(group, "io.sleep", model)
    eff = point.v("efficiency")
    note = f"{param('latency_us', point.get('latency_us'))}, efficiency {eff:.2f}"
    if not queueing(point) and "workers" in dict(point.params) and \
            not series.holds_all_in_flight(point):
        note += f", {sig(point.get('workers'))} workers"
    if reached:
        ran = [p for p in group.select("io.sleep", model, ok=None)]
        if point.get("concurrency") >= max(p.get("concurrency") for p in ran if p.ok):
            higher = [p for p in ran if not p.ok and p.get("concurrency") > point.get("concurrency")]
            note += (f"; higher C {'skipped' if higher[0].skipped else 'failed'}"
                     if higher else "; the highest C it ran")
        return Cell(f"{sig(point.get('concurrency'))} in flight" + (" ⚠" if point.unstable else ""),
                    (point.name,), note, value=point.get("concurrency"), unstable=point.unstable)
    return Cell(f"none ≥ {EFFICIENT}", (point.name,),
                f"best: efficiency {eff:.2f} at {param('concurrency', point.get('concurrency'))}, "
                f"{param('latency_us', point.get('latency_us'))}", status="none")


def reach_detail(group, model, counter):
    point, reached = io_reach(group, model)
    if point is None:
        return absent(group, "io.sleep", model)
    if not reached:
        return Cell("—", status="none", note=f"no io.sleep point at efficiency ≥ {EFFICIENT}")
    cell = measured(group, point, counter, where(point, "concurrency", "latency_us"))
    if counter == "rss_per_inflight_bytes" and cell.value == 0:
        cell = Cell("< 1 page", cell.sources, cell.note + "; 0 B measured: peak RSS did not grow",
                    value=0.0, unstable=cell.unstable)
    return cell


def speedup_point(group, model, dispatch=None):
    """cpu.spin of one dispatch at the coarse grain (1 ms) with workers = cores (else the
    nearest)."""
    g = coarse_grain(group, dispatch=dispatch)
    if g is None:
        return None
    return at_cores(group.select("cpu.spin", model, grain_us=g, dispatch=dispatch), group.cores)


def overhead_point(group, model, dispatch=None):
    """cpu.spin of one dispatch at the smallest grain this model ran, workers = cores (else the
    nearest)."""
    pts = group.select("cpu.spin", model, dispatch=dispatch)
    if not pts:
        return None
    g = min(p.get("grain_us") for p in pts)
    return at_cores([p for p in pts if p.get("grain_us") == g], group.cores)


def start_point(group, model, workers=None):
    pts = group.select("start", model)
    if workers is None:
        return at_cores(pts, group.cores)
    return next((p for p in pts if p.get("workers") == workers), None)


def headline(group):
    cores = group.cores
    rows = []

    def row(key, label, how, make, dispatch=None):
        rows.append(Row(key, label, how, {m: make(m) for m in group.models}, dispatch))

    row("io_reach", "Highest I/O concurrency at efficiency ≥ 0.9",
        "io.sleep: the most operations in flight at ≥ 90 % of the ideal throughput C / L "
        "(blocking models with one worker per operation)",
        lambda m: reach_cell(group, m))
    row("io_memory", "Memory per in-flight operation there",
        "rss_per_inflight_bytes at that point: (peak RSS − RSS before set-up) / C",
        lambda m: reach_detail(group, m, "rss_per_inflight_bytes"))
    row("io_cpu", "CPU time per operation there",
        "cpu_per_item_us at that point: user + system CPU of every thread and process / operations",
        lambda m: reach_detail(group, m, "cpu_per_item_us"))

    # cpu.spin's rows, one per dispatch: a map result and an each result are different work
    # shapes (one task at a time pays the hand-over per task), never one row.
    spin = shapes(group, "cpu.spin") or [None]

    def speedup(m, counter, d):
        g = coarse_grain(group, dispatch=d)
        p = speedup_point(group, m, d)
        if p is None:
            return absent(group, "cpu.spin", m, grain_us=g, dispatch=d) if g is not None else \
                Cell("not measured", status="absent")
        return measured(group, p, counter, f"{workers_note(p)}, {param('grain_us', g)}")

    for d in spin:
        g = coarse_grain(group, dispatch=d)
        row(shape_key("cpu_speedup", d), f"CPU speedup with all {cores} cores"
            f"{shape_label('cpu.spin', d)}",
            f"cpu.spin with {seconds(g * 1e-6) if g else '?'} tasks: sequential time / wall "
            f"time, workers = cores ({cores}); the limit is min(workers, cores)",
            lambda m, d=d: speedup(m, "speedup", d), d)
    for d in spin:
        row(shape_key("cpu_efficiency", d), f"Its efficiency (1 = the limit)"
            f"{shape_label('cpu.spin', d)}", "speedup / min(workers, cores) at the same point",
            lambda m, d=d: speedup(m, "efficiency", d), d)

    def overhead(m, d):
        p = overhead_point(group, m, d)
        if p is None:
            return absent(group, "cpu.spin", m, dispatch=d)
        return measured(group, p, "overhead_per_task_us",
                        f"{param('grain_us', p.get('grain_us'))}, {workers_note(p)}")
    for d in spin:
        row(shape_key("overhead", d), f"Per-task overhead{shape_label('cpu.spin', d)}",
            "cpu.spin at the smallest grain each model ran: (wall × min(P, cores) − sequential "
            "time) / tasks", lambda m, d=d: overhead(m, d), d)

    def start(m, workers=None):
        p = start_point(group, m, workers)
        if p is None:
            if workers is not None and group.select("start", m) and \
                    all("workers" not in dict(q.params) for q in group.select("start", m)):
                return Cell("one loop only", status="none")
            return absent(group, "start", m, **({"workers": workers} if workers else {}))
        return measured(group, p, "start_s", workers_note(p))
    row("start", f"Time to start the model (P = {cores})",
        "start: start and stop the model alone (threads running, arena joined, children "
        "forked and answering)", lambda m: start(m))
    most = max((p.get("workers") for p in group.select("start") + group.select("start", ok=False)
                if "workers" in dict(p.params)), default=None)
    if most is not None and most > cores:
        row("start_many", f"Time to start {sig(most)} workers",
            f"start with P = {sig(most)}: what a blocking model needs for {sig(most)} operations "
            "in flight", lambda m: start(m, most))
    return rows


# ------------------------------------------------------------------------------- best for

def tolerance(a, b, default=DEFAULT_TOLERANCE):
    """(relative tolerance, 'repetitions'|'default') for calling points a and b a tie."""
    if a is not None and b is not None and a.cv is not None and b.cv is not None:
        return 2 * max(a.cv, b.cv), "repetitions"
    return default, "default"


def score(point):
    ips = point.v("items_per_second")
    if ips is not None:
        return ips
    wall = point.v("wall_s")
    return 1 / wall if wall else None


def saturated_cell(points, show):
    """The cell of a model whose every point here had its echo server saturated: its best,
    marked, and why it is not ranked."""
    best = max(points, key=score)
    cell = show(best)
    return Cell(f"{cell.text}, echo server saturated", cell.sources,
                f"not ranked: {SATURATED_WHY}", "saturated", cell.value, cell.unstable)


def rank(group, key, label, case, workload, show, default_tol=DEFAULT_TOLERANCE, **params):
    """The ClassResult of `workload` at `params`: per model its best point (any workers) by
    items per second; the winners are the best and every model within the tie tolerance.
    Only points of one dispatch compete (params' dispatch; None: those without one), and none
    whose echo server was saturated."""
    params.setdefault("dispatch", None)
    measured_, missing = [], []
    for model in group.models:
        scored = [p for p in group.select(workload, model, **params) if score(p) is not None]
        pts = [p for p in scored if not p.saturated]
        if not pts:
            if scored:
                missing.append(Entry(model, saturated_cell(scored, show)))
                continue
            cell = absent(group, workload, model, **params)
            if cell.status != "absent" or group.select(workload, model, ok=None):
                missing.append(Entry(model, cell))
            continue
        best = max(pts, key=score)
        cell = show(best)
        if any(score(p) > score(best) for p in scored if p.saturated):
            cell = Cell(cell.text, cell.sources, cell.note + f"; a faster point left out "
                        f"({SATURATED}: echo server saturated)", cell.status, cell.value,
                        cell.unstable)
        measured_.append(Entry(model, cell, score(best), best))
    measured_.sort(key=lambda e: -e.score)
    winners, tol, src = [], default_tol, "default"
    if measured_:
        top = measured_[0]
        winners = [top.model]
        tol, src = tolerance(top.point, top.point, default_tol)
        for e in measured_[1:]:
            t, s = tolerance(top.point, e.point, default_tol)
            if (top.score - e.score) / top.score <= t:
                winners.append(e.model)
                tol, src = max(tol, t), s
    summary = summarize(measured_, winners, tol, src)
    return ClassResult(key, label, case, tuple(measured_), tuple(missing), tuple(winners),
                       tol, src, summary, dict(params))


def summarize(ranking, winners, tol, src):
    """A sentence: 'tbb 1.99× ties threads 1.98× (within 5 %)' or 'coro_mt 2.1× leads tbb
    1.9× by 10 %'."""
    if not ranking:
        return "no model measured"
    if len(ranking) == 1:
        return f"only {ranking[0].model} measured ({ranking[0].cell.text})"
    how = "the run-to-run spread" if src == "repetitions" else "the default tolerance"
    top = ranking[0]
    if len(winners) > 1:
        tied = " = ".join(f"{e.model} {e.cell.text}" for e in ranking if e.model in winners)
        return f"tie: {tied} (within {percent(tol)}, {how})"
    second = ranking[1]
    lead = top.score / second.score - 1 if second.score else math.inf
    return (f"{top.model} {top.cell.text} leads {second.model} {second.cell.text} by "
            f"{percent(lead)} (more than {percent(tol)}, {how})")


def io_case(group, workload, which):
    """(C, L) of the low- or high-concurrency I/O class: low is the smallest C of 10 or
    more, high the largest C that at least two models ran; at that C, the latency the most
    models ran (the shortest among equals)."""
    pts = group.select(workload)
    cs = sorted({p.get("concurrency") for p in pts})
    if not cs:
        return None
    if which == "low":
        c = next((c for c in cs if c >= 10), next((c for c in cs if c > 1), cs[0]))
    else:
        multi = [c for c in cs if len({p.model for p in pts if p.get("concurrency") == c}) >= 2]
        c = (multi or cs)[-1]
    lats = {}
    for p in pts:
        if p.get("concurrency") == c:
            lats.setdefault(p.get("latency_us"), set()).add(p.model)
    lat = min(lats, key=lambda l: (-len(lats[l]), l))
    return c, lat


def best_for(group, default_tol=DEFAULT_TOLERANCE):
    """Every workload class this run measured, with its winner(s)."""
    out = []

    def show_speedup(p):
        return measured(group, p, "speedup", workers_note(p))

    def show_io(p):
        cell = measured(group, p, "items_per_second", workers_note(p))
        eff = p.v("efficiency")
        note = cell.note + (f", efficiency {eff:.2f}" if eff is not None else "")
        return Cell(cell.text, cell.sources, note, cell.status, cell.value, cell.unstable)

    def show_ipc(p):
        cell = measured(group, p, "bytes_per_second", workers_note(p))
        sp = p.v("speedup")
        note = cell.note + (f", speedup {sp:.2f}×" if sp is not None else "")
        return Cell(cell.text, cell.sources, note, cell.status, cell.value, cell.unstable)

    # The CPU and ipc classes once per dispatch: each ranks map results or each results, never
    # one against the other.
    for d in shapes(group, "cpu.spin"):
        at = {"dispatch": d}
        grains = values(group, "cpu.spin", "grain_us", **at)
        coarse = coarse_grain(group, **at)
        how = f"{DISPATCH_WORDS[d]}, each model at its best worker count" if d in \
            DISPATCH_WORDS else "each model at its best worker count"
        if grains and grains[0] < min(coarse, 1000):
            g = grains[0]
            out.append(rank(group, shape_key("cpu_fine", d), "fine-grained CPU" +
                            shape_label("cpu.spin", d), f"cpu.spin, {seconds(g * 1e-6)} tasks, "
                            f"{how}", "cpu.spin", show_speedup, default_tol, grain_us=g, **at))
        if grains and coarse >= 1000:
            out.append(rank(group, shape_key("cpu_coarse", d), "coarse CPU" +
                            shape_label("cpu.spin", d), f"cpu.spin, {seconds(coarse * 1e-6)} "
                            f"tasks, {how}", "cpu.spin", show_speedup, default_tol,
                            grain_us=coarse, **at))
    for d in shapes(group, "cpu.real"):
        out.append(rank(group, shape_key("cpu_real", d), "real CPU kernel" +
                        shape_label("cpu.real", d), "cpu.real: parse, total, serialise and hash "
                        f"JSON orders; {DISPATCH_WORDS.get(d, d)}", "cpu.real", show_speedup,
                        default_tol, dispatch=d))
    for d in shapes(group, "cpu.nested"):
        out.append(rank(group, shape_key("cpu_nested", d), "nested fork-join CPU" +
                        shape_label("cpu.nested", d), "cpu.nested: recursive merge sort",
                        "cpu.nested", show_speedup, default_tol, dispatch=d))
    low = io_case(group, "io.sleep", "low")
    for which, label in (("low", "low-concurrency I/O"), ("high", "high-concurrency I/O")):
        case = io_case(group, "io.sleep", which)
        if case and (which == "low" or case != low):
            c, lat = case
            out.append(rank(group, f"io_{which}", label, f"io.sleep, {param('concurrency', c)}, "
                            f"{param('latency_us', lat)}", "io.sleep", show_io, default_tol,
                            concurrency=c, latency_us=lat))
    case = io_case(group, "io.echo", "high")
    if case:
        c, lat = case
        out.append(rank(group, "io_echo", "network round trips", f"io.echo over loopback TCP, "
                        f"{param('concurrency', c)}, server delay {param('latency_us', lat)[4:]}",
                        "io.echo", show_io, default_tol, concurrency=c, latency_us=lat))
    for ratio, c, lat, g in series.mixed_columns(group):
        kind = "mostly waiting" if ratio < 0.5 else "mostly computing" if ratio > 2 else "balanced"
        out.append(rank(group, f"mixed_{sig(ratio)}", f"mixed, W/L = {sig(ratio)} ({kind})",
                        f"mixed: wait {param('latency_us', lat)[4:]} then compute "
                        f"{param('grain_us', g)[4:]} per task, {param('concurrency', c)}",
                        "mixed", show_io, default_tol, concurrency=c, latency_us=lat, grain_us=g))
    for d in shapes(group, "ipc"):
        sizes = values(group, "ipc", "payload_bytes", dispatch=d)
        if sizes:
            out.append(rank(group, shape_key("ipc_large", d), "large payloads" +
                            shape_label("ipc", d), f"ipc, {nbytes(sizes[-1])} per task handed "
                            f"to a worker; {DISPATCH_WORDS.get(d, d)}", "ipc", show_ipc,
                            default_tol, payload_bytes=sizes[-1], dispatch=d))
    return out


def best_for_row(group, classes):
    """The headline's 'best for' row: per model, the classes it wins or ties."""
    cells = {}
    for m in group.models:
        won = [c for c in classes if m in c.winners]
        if not won:
            cells[m] = Cell("—", status="none", note="wins no class measured here")
            continue
        parts = [c.label + (" (tie)" if c.tie else "") for c in won]
        sources = tuple(n for c in won for e in c.ranking if e.model == m for n in e.cell.sources)
        cells[m] = Cell("; ".join(parts), sources)
    return Row("best_for", "Best for (from the data)",
               "each workload class's winner by throughput; ties within the measured noise",
               cells)


# ---------------------------------------------------------------------------------- guide

def _cell_of(rows, key, model):
    for r in rows:
        if r.key == key:
            return r.cells.get(model)
    return None


def _class(classes, key):
    return next((c for c in classes if c.key == key), None)


def _cases(group, *workloads):
    """[(dispatch, label suffix)]: the dispatches the workloads ran, each once, in shapes()
    order; [(None, '')] when none of them ran (one row says 'not measured')."""
    ds = list(dict.fromkeys(d for w in workloads for d in shapes(group, w)))
    return [(d, shape_label(workloads[0], d)) for d in ds] or [(None, "")]


def _shaped(classes, base):
    """Every class of `base` ('cpu_coarse'), one per dispatch."""
    return [c for c in classes if c.key == shape_key(base, c.dispatch)]


def _entry(cls, model):
    if cls is None:
        return None
    return next((e for e in cls.ranking if e.model == model), None)


def _join(*cells):
    return tuple(n for c in cells if c is not None for n in c.sources)


def guide(group, rows, classes):
    """The guide's comparison table, claim by claim, beside what was measured here."""
    cores = group.cores
    out = []

    def add(approach, model, aspect, claim, text, sources, verdict, kind):
        out.append(GuideRow(approach, model, aspect, claim, Cell(text, tuple(dict.fromkeys(sources))),
                            verdict, kind))

    def concurrency(approach, model, how):
        reach = _cell_of(rows, "io_reach", model)
        mem = _cell_of(rows, "io_memory", model)
        if reach is None or reach.status in ("absent", "skipped", "error", "missing"):
            add(approach, model, "concurrency", "yes", reach.text if reach else "not measured",
                _join(reach), "", "unknown")
            return
        if reach.status == "none":
            add(approach, model, "concurrency", "yes", f"no io.sleep point at efficiency ≥ "
                f"{EFFICIENT} ({reach.note})", _join(reach),
                f"no concurrency level reached {EFFICIENT:.0%} of the ideal", "differs")
            return
        text = f"{reach.text} {how} ({reach.note}); {mem.text} per operation"
        c = reach.value
        kind = "holds" if c >= 100 else "partly"
        verdicts = [] if kind == "holds" else [f"only up to C = {sig(c)}"]
        coro_mem = _cell_of(rows, "io_memory", "coro")
        if model != "coro" and coro_mem and coro_mem.value and mem.value:
            verdicts.append(f"at {sig(mem.value / coro_mem.value, 2)}× the memory per operation of coro")
        verdict = "; ".join(verdicts)
        add(approach, model, "concurrency", "yes", text, _join(reach, mem), verdict, kind)

    # A claim about CPU work gets one row per dispatch: the verdict on a map result and on an
    # each result may differ, and neither may stand for the other.
    spin = _cases(group, "cpu.spin")

    def speedups(d):
        return {m: _cell_of(rows, shape_key("cpu_speedup", d), m) for m in group.models}

    def speedup_text(sp, model):
        c = sp.get(model)
        if c is None or c.value is None:
            return None
        return f"{c.text} on {cores} cores ({c.note})"

    # async ------------------------------------------------------------------------------
    concurrency("async (asyncio)", "coro", "on one thread")
    for d, shape in spin:
        sp, aspect = speedups(d), "parallelism" + shape
        c = sp.get("coro")
        if c is None or c.value is None:
            add("async (asyncio)", "coro", aspect, "no", c.text if c else "not measured",
                _join(c), "", "unknown")
        elif cores < 2:
            add("async (asyncio)", "coro", aspect, "no", speedup_text(sp, "coro"), _join(c),
                "cannot tell on one core", "unknown")
        else:
            mt = sp.get("coro_mt")
            extra = (f"; one loop per core (coro_mt) reaches {mt.text}" if mt and mt.value else "")
            if c.value < 1.25:
                add("async (asyncio)", "coro", aspect, "no", speedup_text(sp, "coro") + extra,
                    _join(c, mt), "one loop uses one core" +
                    ("; C++ can run one loop per core" if extra else ""), "holds")
            else:
                add("async (asyncio)", "coro", aspect, "no", speedup_text(sp, "coro"), _join(c),
                    "the loop ran faster than one core", "differs")
    high = _class(classes, "io_high")
    best_for_claim("async (asyncio)", "coro", "I/O-bound work at high concurrency", high, add,
                   loops_ok=True, waits=group.waits)

    # threading --------------------------------------------------------------------------
    concurrency("threading", "threads", "with one thread each")
    for d, shape in spin:
        sp, aspect = speedups(d), "parallelism" + shape
        c = sp.get("threads")
        if c is None or c.value is None:
            add("threading", "threads", aspect, "limited by the GIL (Python)",
                c.text if c else "not measured", _join(c), "", "unknown")
            continue
        if cores < 2:
            add("threading", "threads", aspect, "limited by the GIL (Python)",
                speedup_text(sp, "threads"), _join(c), "cannot tell on one core", "unknown")
            continue
        share = c.value / cores
        if share >= 0.75:
            verdict, kind = (f"C++ has no GIL: its threads run on all {cores} cores "
                             f"({c.text})", "differs")
        elif c.value >= 1.25:
            verdict, kind = (f"threads run in parallel (C++ has no GIL) but reached only "
                             f"{c.text} of {cores}×", "partly")
        else:
            verdict, kind = (f"threads did not scale here ({c.text}), though C++ has no GIL: "
                             "check the machine's load", "partly")
        add("threading", "threads", aspect, "limited by the GIL (Python)",
            speedup_text(sp, "threads"), _join(c), verdict, kind)
    low = _class(classes, "io_low")
    best_for_claim("threading", "threads", "I/O-bound work with blocking libraries", low, add,
                   also=_shaped(classes, "cpu_coarse"))

    # multiprocessing --------------------------------------------------------------------
    concurrency("multiprocessing", "procs", "with one process each")
    for d, shape in spin:
        sp, aspect = speedups(d), "parallelism" + shape
        c = sp.get("procs")
        if c is None or c.value is None:
            add("multiprocessing", "procs", aspect, "yes", c.text if c else "not measured",
                _join(c), "", "unknown")
        elif cores < 2:
            add("multiprocessing", "procs", aspect, "yes", speedup_text(sp, "procs"), _join(c),
                "cannot tell on one core", "unknown")
        else:
            ok = c.value / cores >= 0.75
            add("multiprocessing", "procs", aspect, "yes", speedup_text(sp, "procs"), _join(c),
                "" if ok else f"only {c.text} on {cores} cores", "holds" if ok else "partly")
    for d, shape in _cases(group, "cpu.spin", "cpu.real"):
        coarse = _class(classes, shape_key("cpu_coarse", d)) or \
            _class(classes, shape_key("cpu_real", d))
        best_for_claim("multiprocessing", "procs", "CPU-bound work", coarse, add,
                       threads_note=True, aspect="best for" + shape)
    for d, shape in _cases(group, "cpu.spin", "ipc"):
        overhead_claim(group, rows, classes, add, d, shape)
    return out


def best_for_claim(approach, model, claim, cls, add, loops_ok=False, also=(), threads_note=False,
                   aspect="best for", waits=None):
    """The guide's 'best for' claim about `model` against the winners of class `cls`; `also`:
    other classes whose win by `model` the verdict mentions; `waits(m)` says how a winner
    waits (model.WAITS), for the async claim."""
    if cls is None or not cls.ranking:
        add(approach, model, aspect, claim, "not measured", (), "", "unknown")
        return
    mine = _entry(cls, model)
    top = cls.ranking[0]
    sources = [n for e in cls.ranking[:3] for n in e.cell.sources]
    text = f"{cls.label} ({cls.case}): {cls.summary}"
    if mine is None:
        add(approach, model, aspect, claim, text, sources, f"{model} not measured in this class",
            "unknown")
        return
    if len(cls.ranking) == 1:
        add(approach, model, aspect, claim, text, sources,
            f"only {model} was measured in this class", "unknown")
        return
    kinds = {w: (waits(w) if waits else None) for w in cls.winners}
    if model in cls.winners:
        others = [w for w in cls.winners if w != model]
        verdict, kind = (f"tied with {', '.join(others)}" if others else f"{model} wins"), "holds"
        if threads_note and any(w in ("threads", "tbb", "tbb_blocking") for w in others):
            verdict += ": in C++ threads do the same without moving data between processes"
    elif loops_ok and "loop" in kinds.values():
        verdict, kind = (f"an event loop wins, but {' = '.join(cls.winners)} "
                         f"(loops on more cores) rather than one loop", "partly")
    elif loops_ok and "suspend" in kinds.values():
        verdict, kind = (f"{' = '.join(cls.winners)} {'wins' if len(cls.winners) == 1 else 'tie'}"
                         ": tasks that suspend while they wait, so no thread is blocked per "
                         "wait, as on a loop, but on every core", "partly")
    else:
        behind = 1 - mine.score / top.score
        kind = "partly" if behind <= 0.25 else "differs"
        verdict = (f"{' = '.join(cls.winners)} {'wins' if len(cls.winners) == 1 else 'tie'}; "
                   f"{model} is {percent(behind)} behind")
        if threads_note and any(w in ("threads", "tbb", "tbb_blocking", "coro_mt")
                                for w in cls.winners):
            verdict += " (C++ threads are parallel and share memory)"
    for other in also:
        if model in other.winners:
            verdict += (f"; in C++ {model} also {'ties' if other.tie else 'wins'} {other.label} "
                        f"({_entry(other, model).cell.text})")
            sources += list(_entry(other, model).cell.sources)
    add(approach, model, aspect, claim, text, sources, verdict, kind)


def overhead_claim(group, rows, classes, add, dispatch=None, shape=""):
    """multiprocessing: 'high per-task and data-transfer overhead', within one dispatch."""
    claim = "high per-task and data-transfer overhead"
    aspect = "overhead" + shape
    key = shape_key("overhead", dispatch)
    po, to = _cell_of(rows, key, "procs"), _cell_of(rows, key, "threads")
    ipc = _class(classes, shape_key("ipc_large", dispatch))
    pi, ti = _entry(ipc, "procs"), _entry(ipc, "threads")
    parts, sources, worse = [], [], {}
    if po and to and po.value is not None and to.value is not None:
        parts.append(f"per task: procs {po.text} vs threads {to.text} ({po.note})")
        sources += _join(po, to)
        worse["task"] = po.value > to.value * (1 + DEFAULT_TOLERANCE)
    if pi and ti:
        ps, ts = pi.point.v("speedup"), ti.point.v("speedup")
        what = (f"procs {pi.cell.text} (speedup {ps:.2f}×) vs threads {ti.cell.text}"
                f" (speedup {ts:.2f}×)") if ps is not None and ts is not None else \
            f"procs {pi.cell.text} vs threads {ti.cell.text}"
        parts.append(f"{ipc.case}: {what}")
        sources += _join(pi.cell, ti.cell)
        worse["data"] = pi.score < ti.score * (1 - DEFAULT_TOLERANCE)
    if not worse:
        add("multiprocessing", "procs", aspect, claim, "not measured", (), "",
            "unknown")
        return
    what = {"task": "per task", "data": "for moving data"}
    costly = [what[k] for k, w in worse.items() if w]
    cheap = [what[k] for k, w in worse.items() if not w]
    # Handed the whole range (map), procs sends tasks in chunks as Pool.map does: that, not a
    # cheap process, is why its per-task cost can match threads'.
    chunked = dispatch != "each" and "task" in worse and not worse["task"]
    if costly and not cheap:
        verdict, kind = f"procs costs more than threads {' and '.join(costly)}", "holds"
    elif costly:
        verdict, kind = (f"procs costs more than threads {' and '.join(costly)}, not "
                         f"{' and '.join(cheap)}" + (" (tasks go in chunks, as Pool.map sends "
                                                     "them)" if chunked else ""), "partly")
    else:
        verdict, kind = f"procs was as cheap as threads {' and '.join(cheap)}", "differs"
    add("multiprocessing", "procs", aspect, claim, "; ".join(parts), sources, verdict, kind)


# ---------------------------------------------------------------------------------- trust

def little(group, tol=LITTLE_TOLERANCE):
    """Little's law on every I/O result: items/s × mean latency = operations in flight, which
    is C for a model that does not block a worker per wait (an event loop, or tbb's suspended
    tasks: model.WAITS) and min(C, workers) for a blocking one (queued operations are not in
    the measured latency). Files older than lat_mean_us fall back to the p50 latency."""
    out = []
    for p in group.points:
        if not p.ok or p.workload not in ("io.sleep", "io.echo"):
            continue
        ips = p.v("items_per_second")
        p50 = p.v("lat_mean_us") if p.v("lat_mean_us") is not None else p.v("lat_p50_us")
        c = p.get("concurrency")
        if ips is None or p50 is None or not c:
            continue
        expected = c if series.holds_all_in_flight(p) else min(c, p.get("workers"))
        got = ips * p50 * 1e-6
        ratio = got / expected
        out.append(LittleCheck(p.name, p.model, c, p.get("workers"), expected, got, ratio,
                               abs(ratio - 1) <= tol))
    return out


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
    models = list(dict.fromkeys(c.model for c in checks))
    for m in models:
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
    counter."""
    out = []
    used = ("items_per_second", "bytes_per_second", "speedup", "efficiency", "overhead_per_task_us",
            "cpu_per_item_us", "rss_per_inflight_bytes", "lat_p50_us", "lat_p99_us", "start_s",
            "server_cpu_s", "server_saturated")
    for counter in used:
        if any(p.v(counter) is not None for p in group.points) and group.unit(counter) is None:
            out.append(f"context.concbench_counters has no unit for {counter}")
    for r in rows:
        for m, c in r.cells.items():
            if c.status == "missing":
                out.append(f"{r.label}, {m}: {c.sources[0]} has {c.text}")
    return out


# --------------------------------------------------------------------------------- titles

def _models_text(models):
    return " and ".join(models) if len(models) <= 2 else ", ".join(models[:-1]) + " and " + models[-1]


def titles(group, rows, classes):
    """A title per plot that says what to conclude from it."""
    out = {}
    reach = {m: c for m, c in _row(rows, "io_reach").items() if c.status == "ok"}
    never = [m for m, c in _row(rows, "io_reach").items() if c.status == "none"]
    if reach:
        top = max(c.value for c in reach.values())
        best = [m for m, c in reach.items() if c.value == top]
        t = (f"{_models_text(best)} keep{'s' if len(best) == 1 else ''} {sig(top)} waits in "
             "flight at ≥ 90 % of the ideal C / L")
        rest = sorted(((m, c.value) for m, c in reach.items() if c.value < top), key=lambda x: -x[1])
        if rest:
            t += "; " + ", ".join(f"{m} {sig(v)}" for m, v in rest)
        if never:
            t += f"; {_models_text(never)} never"
        out["io_throughput"] = t
    else:
        out["io_throughput"] = "I/O throughput against the ideal C / L"
    # One speedup, overhead and ipc plot per dispatch (series.speedup_shapes), each titled
    # from the rows and classes of its own dispatch only.
    for d in series.speedup_shapes(group):
        t = speedup_title(group, _row(rows, shape_key("cpu_speedup", d)))
        if t is None and d is None:
            t = nested_title(_class(classes, "cpu_nested"))
        if t is not None:
            out[shape_key("speedup", d)] = f"With dispatch: {d}, {t}" if d else t
    for d in shapes(group, "cpu.spin"):
        ov = {m: c for m, c in _row(rows, shape_key("overhead", d)).items() if c.value is not None}
        if ov:
            lo = min(ov.items(), key=lambda kv: kv[1].value)
            hi = max(ov.items(), key=lambda kv: kv[1].value)
            out[shape_key("overhead", d)] = (
                f"Per-task overhead{shape_label('cpu.spin', d)} from {lo[1].text} ({lo[0]}) to "
                f"{hi[1].text} ({hi[0]}); below the dashed line a model is ≥ 90 % efficient")
    worst = None
    for panel in series.io_panels(group, "io.sleep", "lat_p50_us"):
        for line in panel.lines:
            if line.style != "main" or not panel.value:
                continue
            for pt in line.points:
                r = (pt.y2 or pt.y) / panel.value
                if worst is None or r > worst[0]:
                    worst = (r, line.model, pt, panel.value)
    if worst:
        r, m, pt, lat = worst
        out["latency"] = (f"Tail latency: the worst p99 is {m}'s, {sig(r, 2)}× the "
                          f"{seconds(lat * 1e-6)} wait asked, at C = {sig(pt.x)}")
    mem = {m: c for m, c in _row(rows, "io_memory").items() if c.value is not None}
    mem = {m: c for m, c in mem.items() if c.value > 0} or mem
    if mem:
        lo = min(mem.items(), key=lambda kv: kv[1].value)
        hi = max(mem.items(), key=lambda kv: kv[1].value)
        t = f"Memory per operation in flight: from {lo[1].text} ({lo[0]}) to {hi[1].text} ({hi[0]})"
        if lo[1].value > 0 and hi[1].value / lo[1].value >= 2:
            t += f", {sig(hi[1].value / lo[1].value, 2)}× more"
        out["memory"] = t
    mixed = [c for c in classes if c.key.startswith("mixed_")]
    if mixed:
        def wl(c):
            return sig(c.at["grain_us"] / c.at["latency_us"])
        first, last = mixed[0], mixed[-1]
        t = f"Mixed work: {' = '.join(first.winners) or 'none'} at W/L = {wl(first)}"
        if last is not first:
            t += f", {' = '.join(last.winners) or 'none'} at W/L = {wl(last)}"
        out["mixed"] = t + " (★ = best, ties included)"
    for ipc in _shaped(classes, "ipc_large"):
        if not ipc.ranking:
            continue
        p = _entry(ipc, "procs")
        t = (f"{nbytes(ipc.at['payload_bytes'])} per task{shape_label('ipc', ipc.dispatch)}: "
             f"{' = '.join(ipc.winners)} move{'s' if len(ipc.winners) == 1 else ''} it fastest")
        if p is not None and "procs" not in ipc.winners and p.point.v("speedup") is not None:
            t += f"; procs pays for the copy (speedup {p.point.v('speedup'):.2f}×)"
        out[shape_key("ipc", ipc.dispatch)] = t
    echo = _class(classes, "io_echo")
    if echo:
        t = (f"Network round trips ({echo.case}): {' = '.join(echo.winners) or 'none'} "
             f"{'is' if len(echo.winners) == 1 else 'are'} fastest")
        left = [e.model for e in echo.absent if e.cell.status == "saturated"]
        if left:
            t += f"; {SATURATED} {_models_text(left)}: echo server saturated, not ranked"
        out["echo"] = t
    return out


def speedup_title(group, cells):
    """'threads and tbb reach ≥ 95 % of 2 cores; procs 1.8×; one loop (coro) stays at 1×'
    from one cpu_speedup row; None when it has no number."""
    sp = {m: c for m, c in cells.items() if c.value is not None}
    if not sp:
        return None
    cores = group.cores
    near = [m for m, c in sp.items() if c.value >= 0.95 * cores]
    lead = near or [max(sp, key=lambda m: sp[m].value)]
    if near:
        t = f"{_models_text(near)} reach{'es' if len(near) == 1 else ''} ≥ 95 % of {cores} cores"
    else:
        t = f"{lead[0]} reaches {sp[lead[0]].text} on {cores} cores"
    rest = [(m, c) for m, c in sp.items() if m not in lead and m != "coro"]
    if rest:
        t += "; " + ", ".join(f"{m} {c.text}" for m, c in sorted(rest, key=lambda kv: -kv[1].value))
    if "coro" in sp and "coro" not in lead:
        t += f"; one loop (coro) stays at {sp['coro'].text}"
    return t


def nested_title(cls):
    """The speedup plot of workloads without dispatch (cpu.nested) in a file whose other CPU
    work has one."""
    if cls is None or not cls.ranking:
        return None
    return f"Nested fork-join (cpu.nested, no dispatch): {cls.summary}"


def _row(rows, key):
    for r in rows:
        if r.key == key:
            return r.cells
    return {}


# ------------------------------------------------------------------------------------ all

def decide(group, default_tol=DEFAULT_TOLERANCE):
    """Everything the report says about one group."""
    rows = headline(group)
    classes = best_for(group, default_tol)
    rows.append(best_for_row(group, classes))
    return Decisions(
        group=group, headline=rows, best_for=classes, guide=guide(group, rows, classes),
        little=little(group), unstable=[p for p in group.points if p.ok and p.unstable],
        problems=problems(group), gaps=gaps(group, rows, classes), beyond=beyond_limit(group),
        titles=titles(group, rows, classes), tolerance=default_tol,
        saturated=[p for p in group.points if p.ok and p.saturated])
