"""Plot data: the points each plot draws, chosen from a Group as plain lists. Pure; plots.py
draws them and decide/ reads the same series to write each plot's title."""
import math
from dataclasses import dataclass, field

from .model import DISPATCH_WORKLOADS, DISPATCHES
from .units import to_seconds

EFFICIENT = 0.9          # "reached": efficiency at or above this
OVERHEAD_SHARE = 0.1     # per-task overhead at 10 % of the grain = efficiency ~0.9


@dataclass(frozen=True)
class XY:
    x: float
    y: float
    name: str
    y2: float = None     # a second quantity at the same x (p99 beside p50)
    saturated: bool = False  # io.echo, http, db: the server loaded was saturated (decides nothing)


@dataclass
class Line:
    model: str
    points: list = field(default_factory=list)
    style: str = "main"   # main | queueing (a blocking model with fewer workers than C)
    label: str = ""


@dataclass
class Panel:
    title: str
    value: float = None                          # the parameter the panel is at (latency)
    lines: list = field(default_factory=list)
    limit: list = field(default_factory=list)   # [(x, y)] the physical limit
    limit_label: str = ""
    missing: list = field(default_factory=list)  # [(model, x, reason)] errors and skips
    marks: list = field(default_factory=list)    # [(model, x, y, text)] crossovers
    floor: list = field(default_factory=list)    # [(model, x, name)] not drawable on log axes
    machine_floors: list = field(default_factory=list)  # [(floor, y, models)] (floor_lines)


def holds_all_in_flight(point):
    """A model whose operations are all in flight at once whatever its workers: it waits on an
    event loop or suspends the waiting task (model.WAITS). A model the file says nothing of
    counts as one when its name has no workers (one loop)."""
    if point.waits is not None:
        return point.waits != "blocking"
    return "workers" not in dict(point.params)


def queueing(point):
    """A blocking model with fewer workers than the concurrency asked: operations queue."""
    return not holds_all_in_flight(point) and point.get("workers") < point.get("concurrency", 0)


# ---------------------------------------------------------------------------------- dispatch

def shapes(group, workload):
    """The dispatches `workload`'s points have, map first, then each, then None (a workload
    without dispatch, or a file from before names carried it), then any other, by name.
    Every comparison of models is made within one of these, never across."""
    seen = {p.dispatch for p in group.points if p.workload == workload}
    known = [d for d in (*DISPATCHES, None) if d in seen]
    return known + sorted(d for d in seen if d not in known)


def shape_key(base, dispatch):
    """A row, class, plot or title key for one dispatch: 'cpu_speedup_map'; `base` for None."""
    return base if dispatch is None else f"{base}_{dispatch}"


def shape_label(workload, dispatch):
    """' (dispatch: map)' after a label; for a workload that carries a dispatch in names but a
    point without one (an older file), ' (dispatch unknown)'; '' when it has none."""
    if dispatch is not None:
        return f" (dispatch: {dispatch})"
    return " (dispatch unknown)" if workload in DISPATCH_WORKLOADS else ""


def at_cores(points, cores):
    """The point with workers = cores; else the most workers below; else the fewest above.
    REQUIRES: points of one model and one configuration but workers."""
    if not points:
        return None
    exact = [p for p in points if p.get("workers") == cores]
    if exact:
        return exact[0]
    below = [p for p in points if p.get("workers") < cores]
    if below:
        return max(below, key=lambda p: p.get("workers"))
    return min(points, key=lambda p: p.get("workers"))


def values(group, workload, key, **params):
    """The sorted distinct values of name parameter `key` among `workload`'s points (those
    with every given parameter value, e.g. dispatch='map')."""
    return sorted({p.get(key) for p in group.points if p.workload == workload
                   and p.get(key) is not None
                   and all(p.get(k) == v for k, v in params.items())})


def coarse_grain(group, **params):
    """The grain of 'coarse CPU': 1 ms if measured, else the largest grain."""
    grains = values(group, "cpu.spin", "grain_us", **params)
    if not grains:
        return None
    return 1000 if 1000 in grains else grains[-1]


def io_panels(group, workload="io.sleep", counter="items_per_second"):
    """One panel per latency: `counter` against concurrency per model (blocking models with
    workers = C as the main line, fewer workers as a 'queueing' line); the limit is the ideal
    throughput C / L (counter items_per_second only)."""
    panels = []
    for lat in values(group, workload, "latency_us"):
        panel = Panel(f"L = {lat / 1000:g} ms" if lat else "L = 0", lat)
        for model in group.models:
            pts = group.select(workload, model, latency_us=lat)
            for style in ("main", "queueing"):
                mine = [p for p in pts if queueing(p) == (style == "queueing")
                        and p.v(counter) is not None]
                if not mine:
                    continue
                line = Line(model, style=style)
                if style == "queueing":
                    line.label = f"{model}, P = {mine[0].get('workers')} < C"
                for p in sorted(mine, key=lambda p: p.get("concurrency")):
                    y2 = p.v("lat_p99_us") if counter == "lat_p50_us" else None
                    line.points.append(XY(p.get("concurrency"), p.v(counter), p.name, y2,
                                          p.saturated))
                panel.lines.append(line)
        cs = values(group, workload, "concurrency")
        if counter == "items_per_second" and lat:
            panel.limit = [(c, c / (lat * 1e-6)) for c in cs]
            panel.limit_label = "ideal: C / L"
        elif counter == "lat_p50_us" and lat:
            panel.limit = [(c, lat) for c in cs]
            panel.limit_label = "the wait asked, L"
        panel.missing = [(m, x, why) for m, x, why in
                         ((p.model, p.get("concurrency"), p.error)
                          for p in group.select(workload, ok=False, latency_us=lat))]
        if panel.lines or panel.missing:
            panels.append(panel)
    return panels


def memory_panel(group, workload="io.sleep"):
    """Memory per in-flight operation against concurrency, at the latency with the most
    measured points (main lines only); the limit line is one 4 KiB page, the least a thread
    stack or a process can take. Zeros (RSS did not grow measurably) are left out."""
    lats = values(group, workload, "latency_us")
    if not lats:
        return None

    def count(lat):
        return sum(1 for p in group.select(workload, latency_us=lat)
                   if not queueing(p) and (p.v("rss_per_inflight_bytes") or 0) > 0)
    lat = max(lats, key=lambda l: (count(l), l))
    panel = Panel(f"L = {lat / 1000:g} ms", lat)
    for model in group.models:
        pts = [p for p in group.select(workload, model, latency_us=lat)
               if not queueing(p) and p.v("rss_per_inflight_bytes") is not None]
        line = Line(model)
        for p in sorted(pts, key=lambda p: p.get("concurrency")):
            if p.v("rss_per_inflight_bytes") > 0:
                line.points.append(XY(p.get("concurrency"), p.v("rss_per_inflight_bytes"), p.name))
            else:
                panel.floor.append((model, p.get("concurrency"), p.name))
        if line.points:
            panel.lines.append(line)
    cs = values(group, workload, "concurrency")
    panel.limit = [(c, 4096) for c in cs]
    panel.limit_label = "one 4 KiB page"
    panel.missing = [(p.model, p.get("concurrency"), p.error)
                     for p in group.select(workload, ok=False, latency_us=lat)]
    return panel if panel.lines else None


SPEEDUP_WORKLOADS = ("cpu.spin", "cpu.real", "cpu.nested")


def speedup_shapes(group):
    """The dispatches of the speedup plots, one plot each (cpu.nested has none: None)."""
    seen = [d for w in SPEEDUP_WORKLOADS for d in shapes(group, w)]
    return [d for d in (*DISPATCHES, None) if d in seen] + \
        sorted({d for d in seen if d not in (*DISPATCHES, None)})


def speedup_panels(group, dispatch=None):
    """Speedup against workers per model for cpu.spin (coarse grain), cpu.real and cpu.nested,
    those of one dispatch; the limit is min(workers, cores)."""
    cores = group.cores
    cases = []
    at = {"dispatch": dispatch}
    g = coarse_grain(group, **at)
    if g is not None:
        cases.append(("cpu.spin", {"grain_us": g, **at},
                      f"cpu.spin, W = {g / 1000:g} ms{shape_label('cpu.spin', dispatch)}"))
    cases += [("cpu.real", at, f"cpu.real (JSON){shape_label('cpu.real', dispatch)}"),
              ("cpu.nested", at, f"cpu.nested (sort){shape_label('cpu.nested', dispatch)}")]
    panels = []
    for workload, params, title in cases:
        panel = Panel(title)
        ws = set()
        for model in group.models:
            pts = [p for p in group.select(workload, model, **params) if p.v("speedup") is not None]
            if pts:
                line = Line(model, [XY(p.get("workers"), p.v("speedup"), p.name)
                                    for p in sorted(pts, key=lambda p: p.get("workers"))])
                panel.lines.append(line)
                ws |= {p.get("workers") for p in pts}
        if not panel.lines:
            continue
        xs = sorted(ws | {1, cores})
        panel.limit = [(w, min(w, cores)) for w in xs]
        panel.limit_label = f"ideal: min(P, {cores} cores)"
        panel.missing = [(p.model, p.get("workers"), p.error)
                         for p in group.select(workload, ok=False, **params)]
        panels.append(panel)
    return panels


def crossing(points, share=OVERHEAD_SHARE):
    """The grain (interpolated on log axes) from which overhead stays at or below `share` of
    the grain; None when it never does or already does at the smallest grain measured.
    REQUIRES: points sorted by grain."""
    below = [p.y <= share * p.x for p in points]
    if not below or not below[-1]:
        return None
    i = len(below) - 1
    while i > 0 and below[i - 1]:
        i -= 1
    if i == 0:
        return None             # efficient at every grain measured: no crossover to mark
    a, b = points[i - 1], points[i]
    ra = math.log(max(a.y, 1e-12) / (share * a.x))
    rb = math.log(max(b.y, 1e-12) / (share * b.x))
    t = ra / (ra - rb) if ra != rb else 1.0
    return math.exp(math.log(a.x) + t * (math.log(b.x) - math.log(a.x)))


def overhead_panel(group, dispatch=None):
    """Per-task overhead against grain, per model at P = cores (cpu.spin, one dispatch); limit
    lines at 10 % of the grain (efficiency 0.9) and at the grain itself; marks where each model
    crosses below 10 %. Overheads <= 0 (faster than the reference: within noise) are in
    .floor."""
    panel = Panel(f"cpu.spin{shape_label('cpu.spin', dispatch)}")
    for model in group.models:
        pts = [p for p in group.select("cpu.spin", model, dispatch=dispatch)
               if p.v("overhead_per_task_us") is not None]
        by_grain = {}
        for p in pts:
            by_grain.setdefault(p.get("grain_us"), []).append(p)
        chosen = [at_cores(v, group.cores) for _, v in sorted(by_grain.items())]
        line = Line(model)
        for p in chosen:
            y = p.v("overhead_per_task_us")
            if y > 0:
                line.points.append(XY(p.get("grain_us"), y, p.name))
            else:
                panel.floor.append((model, p.get("grain_us"), p.name))
        if line.points:
            line.label = f"{model} (P = {chosen[0].get('workers')})"
            panel.lines.append(line)
            x = crossing(line.points)
            if x is not None:
                panel.marks.append((model, x, OVERHEAD_SHARE * x, f"{x:.3g} µs"))
    panel.machine_floors = floor_lines(group, [ln.model for ln in panel.lines])
    grains = values(group, "cpu.spin", "grain_us", dispatch=dispatch)
    panel.limit = [(g, OVERHEAD_SHARE * g) for g in grains]
    panel.limit_label = "10 % of the grain (efficiency 0.9)"
    panel.missing = [(p.model, p.get("grain_us"), p.error)
                     for p in group.select("cpu.spin", ok=False, dispatch=dispatch)]
    return panel if panel.lines else None


def floor_lines(group, models):
    """[(floor, µs, models)]: the machine floor each of `models` names (context
    concbench_model_kinds[m].floor), once per floor, valued from concbench_floors: the cost of
    the unit the model is built on, drawn beside its per-task overhead. Floors that are
    missing, not a duration or not positive are left out (a log axis cannot draw them)."""
    by_floor = {}
    for m in models:
        name = group.floor_of(m)
        if name is not None:
            by_floor.setdefault(name, []).append(m)
    out = []
    for name, ms in by_floor.items():
        f = group.floors.get(name)
        s = to_seconds(f.value, f.unit) if f is not None else None
        if s is not None and s > 0:
            out.append((name, s * 1e6, tuple(ms)))
    return out


@dataclass
class MixedCell:
    model: str
    ratio: float           # W / L
    efficiency: float
    score: float           # items per second
    name: str
    winner: bool = False


def mixed_columns(group):
    """[(W/L, C, L, grain)] of the mixed workload, one per W/L (the (C, L) with most models)."""
    by_ratio = {}
    for p in group.select("mixed"):
        c, lat, g = p.get("concurrency"), p.get("latency_us"), p.get("grain_us")
        if not lat:
            continue
        by_ratio.setdefault(g / lat, {}).setdefault((c, lat, g), set()).add(p.model)
    out = []
    for ratio, cases in sorted(by_ratio.items()):
        (c, lat, g), _ = max(cases.items(), key=lambda kv: (len(kv[1]), -kv[0][1]))
        out.append((ratio, c, lat, g))
    return out


def ipc_panel(group, dispatch=None):
    """ipc of one dispatch: speedup and CPU per task against payload, per model at P = cores;
    the limits are min(P, cores) and the CPU the work itself takes (the sequential reference
    per task)."""
    panel = Panel(f"ipc{shape_label('ipc', dispatch)}")
    ref = {}
    for model in group.models:
        pts = [p for p in group.select("ipc", model, dispatch=dispatch)
               if p.v("speedup") is not None]
        by_size = {}
        for p in pts:
            by_size.setdefault(p.get("payload_bytes"), []).append(p)
        chosen = [at_cores(v, group.cores) for _, v in sorted(by_size.items())]
        if chosen:
            panel.lines.append(Line(model, [XY(p.get("payload_bytes"), p.v("speedup"), p.name,
                                               p.v("cpu_per_item_us")) for p in chosen],
                                    label=f"{model} (P = {chosen[0].get('workers')})"))
        for p in chosen:
            if p.v("reference_s") and p.v("tasks"):
                ref.setdefault(p.get("payload_bytes"), p.v("reference_s") / p.v("tasks") * 1e6)
    panel.limit = sorted(ref.items())
    panel.limit_label = "the work alone (sequential reference per task)"
    panel.missing = [(p.model, p.get("payload_bytes"), p.error)
                     for p in group.select("ipc", ok=False, dispatch=dispatch)]
    return panel if panel.lines else None
