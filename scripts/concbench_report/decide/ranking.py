"""Which model for my workload: every workload class the run measured, its models ranked by
throughput and its winners (the best and every model tied with it), and the headline's 'best
for' row made from them.

How ties are called: two results tie when they differ by no more than 2 x the larger
coefficient of variation of their repetitions, or, when either ran once (no spread known),
by no more than DEFAULT_TOLERANCE. Only points of one dispatch compete (model.DISPATCHES), and
none whose server was saturated (Point.saturated): such a point is shown, marked ⊘."""
import functools
import math
from dataclasses import dataclass, field

from .. import series
from ..series import coarse_grain, shape_key, shape_label, shapes, values
from ..units import nbytes, param, percent, seconds, sig
from .common import (DEFAULT_TOLERANCE, DISPATCH_WORDS, SATURATED, SATURATED_WHY, Cell, Row,
                     absent, measured, workers_note)


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
    # The Python arm's entries, ranked among themselves only (never against C++ models: the
    # same grain, not the same code); empty without a Python file, or when only Python ran.
    python: tuple = ()

    @property
    def dispatch(self):
        return self.at.get("dispatch")

    @property
    def tie(self):
        return len(self.winners) > 1


# ------------------------------------------------------------------------------- ranking

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
    """The cell of a model whose every point here had its embedded server saturated: its best,
    marked, and why it is not ranked."""
    best = max(points, key=score)
    cell = show(best)
    return Cell(f"{cell.text}, embedded server saturated", cell.sources,
                f"not ranked: {SATURATED_WHY}", "saturated", cell.value, cell.unstable)


def model_entry(group, workload, model, show, params):
    """(True, Entry) for `model`'s best point at `params`; (False, Entry) for a model that has
    only saturated points, an error, a skip or a run of the other dispatch; (False, None) for
    one this workload never ran (left out of the table)."""
    scored = [p for p in group.select(workload, model, **params) if score(p) is not None]
    pts = [p for p in scored if not p.saturated]
    if not pts:
        if scored:
            return False, Entry(model, saturated_cell(scored, show))
        cell = absent(group, workload, model, **params)
        if cell.status != "absent" or group.select(workload, model, ok=None):
            return False, Entry(model, cell)
        return False, None
    best = max(pts, key=score)
    cell = show(best)
    if any(score(p) > score(best) for p in scored if p.saturated):
        # Say so: the reader sees a faster number in the plot and must know why it lost.
        cell = Cell(cell.text, cell.sources, cell.note + f"; a faster point left out "
                    f"({SATURATED}: embedded server saturated)", cell.status, cell.value,
                    cell.unstable)
    return True, Entry(model, cell, score(best), best)


def winners_of(ranking, default_tol):
    """(winners, tolerance, 'repetitions'|'default'): the best of `ranking` (best first) and
    every entry within the tie tolerance of it; the tolerance is the widest one used."""
    if not ranking:
        return [], default_tol, "default"
    top = ranking[0]
    winners = [top.model]
    tol, src = tolerance(top.point, top.point, default_tol)
    for e in ranking[1:]:
        t, s = tolerance(top.point, e.point, default_tol)
        if (top.score - e.score) / top.score <= t:
            winners.append(e.model)
            tol, src = max(tol, t), s
    return winners, tol, src


def rank(group, key, label, case, workload, show, default_tol=DEFAULT_TOLERANCE, **params):
    """The ClassResult of `workload` at `params`: per model its best point (any workers) by
    items per second; the winners are the best and every model within the tie tolerance.
    Only points of one dispatch compete (params' dispatch; None: those without one), and none
    whose server was saturated."""
    params.setdefault("dispatch", None)
    ranked, missing, python = [], [], []
    for model in group.models:
        ok, entry = model_entry(group, workload, model, show, params)
        if entry is None:
            continue
        if model.startswith("py_"):
            if ok:
                python.append(entry)
        else:
            (ranked if ok else missing).append(entry)
    python.sort(key=lambda e: -e.score)
    if not ranked and not missing:  # a Python file alone: its models are the ranking
        ranked, python = python, []
    ranked.sort(key=lambda e: -e.score)
    winners, tol, src = winners_of(ranked, default_tol)
    return ClassResult(key, label, case, tuple(ranked), tuple(missing), tuple(winners),
                       tol, src, summarize(ranked, winners, tol, src), dict(params), tuple(python))


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


# ------------------------------------------------------------------------- what is shown

def show_speedup(group, p):
    return measured(group, p, "speedup", workers_note(p))


def _with_note(cell, extra):
    return Cell(cell.text, cell.sources, cell.note + extra, cell.status, cell.value, cell.unstable)


def show_io(group, p):
    eff = p.v("efficiency")
    return _with_note(measured(group, p, "items_per_second", workers_note(p)),
                      f", efficiency {eff:.2f}" if eff is not None else "")


def show_ipc(group, p):
    sp = p.v("speedup")
    return _with_note(measured(group, p, "bytes_per_second", workers_note(p)),
                      f", speedup {sp:.2f}×" if sp is not None else "")


# ------------------------------------------------------------------------------- classes
# One builder per workload; the CPU and ipc classes once per dispatch: each ranks map results
# or each results, never one against the other.

def spin_classes(group, tol):
    out = []
    show = functools.partial(show_speedup, group)
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
                            f"{how}", "cpu.spin", show, tol, grain_us=g, **at))
        if grains and coarse >= 1000:
            out.append(rank(group, shape_key("cpu_coarse", d), "coarse CPU" +
                            shape_label("cpu.spin", d), f"cpu.spin, {seconds(coarse * 1e-6)} "
                            f"tasks, {how}", "cpu.spin", show, tol, grain_us=coarse, **at))
    return out


def real_classes(group, tol):
    return [rank(group, shape_key("cpu_real", d), "real CPU kernel" + shape_label("cpu.real", d),
                 "cpu.real: parse, total, serialise and hash JSON orders; "
                 f"{DISPATCH_WORDS.get(d, d)}", "cpu.real", functools.partial(show_speedup, group),
                 tol, dispatch=d)
            for d in shapes(group, "cpu.real")]


def nested_classes(group, tol):
    return [rank(group, shape_key("cpu_nested", d), "nested fork-join CPU" +
                 shape_label("cpu.nested", d), "cpu.nested: recursive merge sort", "cpu.nested",
                 functools.partial(show_speedup, group), tol, dispatch=d)
            for d in shapes(group, "cpu.nested")]


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


def io_classes(group, tol):
    """Low- and high-concurrency io.sleep; high only where it is another case than low."""
    out = []
    low = io_case(group, "io.sleep", "low")
    for which, label in (("low", "low-concurrency I/O"), ("high", "high-concurrency I/O")):
        case = io_case(group, "io.sleep", which)
        if case and (which == "low" or case != low):
            c, lat = case
            out.append(rank(group, f"io_{which}", label, f"io.sleep, {param('concurrency', c)}, "
                            f"{param('latency_us', lat)}", "io.sleep",
                            functools.partial(show_io, group), tol, concurrency=c, latency_us=lat))
    return out


def echo_classes(group, tol):
    case = io_case(group, "io.echo", "high")
    if not case:
        return []
    c, lat = case
    return [rank(group, "io_echo", "network round trips", f"io.echo over loopback TCP, "
                 f"{param('concurrency', c)}, server delay {param('latency_us', lat)[4:]}",
                 "io.echo", functools.partial(show_io, group), tol, concurrency=c, latency_us=lat)]


def mixed_classes(group, tol):
    out = []
    for ratio, c, lat, g in series.mixed_columns(group):
        kind = "mostly waiting" if ratio < 0.5 else "mostly computing" if ratio > 2 else "balanced"
        out.append(rank(group, f"mixed_{sig(ratio)}", f"mixed, W/L = {sig(ratio)} ({kind})",
                        f"mixed: wait {param('latency_us', lat)[4:]} then compute "
                        f"{param('grain_us', g)[4:]} per task, {param('concurrency', c)}",
                        "mixed", functools.partial(show_io, group), tol, concurrency=c,
                        latency_us=lat, grain_us=g))
    return out


def ipc_classes(group, tol):
    out = []
    for d in shapes(group, "ipc"):
        sizes = values(group, "ipc", "payload_bytes", dispatch=d)
        if sizes:
            out.append(rank(group, shape_key("ipc_large", d), "large payloads" +
                            shape_label("ipc", d), f"ipc, {nbytes(sizes[-1])} per task handed "
                            f"to a worker; {DISPATCH_WORDS.get(d, d)}", "ipc",
                            functools.partial(show_ipc, group), tol, payload_bytes=sizes[-1],
                            dispatch=d))
    return out


CLASSES = (spin_classes, real_classes, nested_classes, io_classes, echo_classes, mixed_classes,
           ipc_classes)


def best_for(group, default_tol=DEFAULT_TOLERANCE):
    """Every workload class this run measured, with its winner(s), in the table's order."""
    return [cls for make in CLASSES for cls in make(group, default_tol)]


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
