"""The headline table: one row per question, one column per model. I/O reach and its cost,
CPU speedup and efficiency, per-task overhead (with its multiple of the model's machine floor)
and start-up time; each CPU row once per dispatch, since a map result and an each result are
different work shapes (one task at a time pays the hand-over per task), never one row."""
from .. import series
from ..series import EFFICIENT, at_cores, coarse_grain, queueing, shape_key, shape_label, shapes
from ..units import param, seconds, sig
from .common import Cell, Row, absent, measured, where, workers_note
from .floors import floor_why, multiple


def _row(group, key, label, how, make, dispatch=None):
    """A Row with make(model)'s cell for every model of the group."""
    return Row(key, label, how, {m: make(m) for m in group.models}, dispatch)


# ----------------------------------------------------------------------------------- I/O

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


def _reach_note(group, model, point):
    """'L = 10 ms, efficiency 0.95[, P workers]; the highest C it ran' (or what stopped it)."""
    note = f"{param('latency_us', point.get('latency_us'))}, efficiency {point.v('efficiency'):.2f}"
    if not queueing(point) and "workers" in dict(point.params) and \
            not series.holds_all_in_flight(point):
        note += f", {sig(point.get('workers'))} workers"
    ran = group.select("io.sleep", model, ok=None)
    if point.get("concurrency") >= max(p.get("concurrency") for p in ran if p.ok):
        higher = [p for p in ran if not p.ok and p.get("concurrency") > point.get("concurrency")]
        note += (f"; higher C {'skipped' if higher[0].skipped else 'failed'}"
                 if higher else "; the highest C it ran")
    return note


def reach_cell(group, model):
    point, reached = io_reach(group, model)
    if point is None:
        return absent(group, "io.sleep", model)
    if reached:
        return Cell(f"{sig(point.get('concurrency'))} in flight" + (" ⚠" if point.unstable else ""),
                    (point.name,), _reach_note(group, model, point),
                    value=point.get("concurrency"), unstable=point.unstable)
    return Cell(f"none ≥ {EFFICIENT}", (point.name,),
                f"best: efficiency {point.v('efficiency'):.2f} at "
                f"{param('concurrency', point.get('concurrency'))}, "
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


def io_rows(group):
    return [
        _row(group, "io_reach", "Highest I/O concurrency at efficiency ≥ 0.9",
             "io.sleep: the most operations in flight at ≥ 90 % of the ideal throughput C / L "
             "(blocking models with one worker per operation)",
             lambda m: reach_cell(group, m)),
        _row(group, "io_memory", "Memory per in-flight operation there",
             "rss_per_inflight_bytes at that point: (peak RSS − RSS before set-up) / C",
             lambda m: reach_detail(group, m, "rss_per_inflight_bytes")),
        _row(group, "io_cpu", "CPU time per operation there",
             "cpu_per_item_us at that point: user + system CPU of every thread and process / "
             "operations", lambda m: reach_detail(group, m, "cpu_per_item_us")),
    ]


# ----------------------------------------------------------------------------------- CPU

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


def speedup_cell(group, model, counter, dispatch):
    """`counter` (speedup or efficiency) of cpu.spin at the coarse grain, or why not."""
    g = coarse_grain(group, dispatch=dispatch)
    p = speedup_point(group, model, dispatch)
    if p is None:
        return absent(group, "cpu.spin", model, grain_us=g, dispatch=dispatch) if g is not None \
            else Cell("not measured", status="absent")
    return measured(group, p, counter, f"{workers_note(p)}, {param('grain_us', g)}")


def overhead_cell(group, model, dispatch):
    """Per-task overhead at the smallest grain, with its multiple of the model's floor."""
    p = overhead_point(group, model, dispatch)
    if p is None:
        return absent(group, "cpu.spin", model, dispatch=dispatch)
    counter = "overhead_per_task_us"
    note = f"{param('grain_us', p.get('grain_us'))}, {workers_note(p)}"
    also, why = multiple(group, model, p.v(counter), group.unit(counter)) \
        if p.v(counter) is not None else ("", "")
    return measured(group, p, counter, note + (f"; {why}" if why else ""), also)


def speedup_rows(group, spin):
    """Speedup rows, then efficiency rows, one per dispatch in `spin`."""
    rows = []
    for d in spin:
        g = coarse_grain(group, dispatch=d)
        rows.append(_row(
            group, shape_key("cpu_speedup", d),
            f"CPU speedup with all {group.cores} cores{shape_label('cpu.spin', d)}",
            f"cpu.spin with {seconds(g * 1e-6) if g else '?'} tasks: sequential time / wall "
            f"time, workers = cores ({group.cores}); the limit is min(workers, cores)",
            lambda m, d=d: speedup_cell(group, m, "speedup", d), d))
    for d in spin:
        rows.append(_row(
            group, shape_key("cpu_efficiency", d),
            f"Its efficiency (1 = the limit){shape_label('cpu.spin', d)}",
            "speedup / min(workers, cores) at the same point",
            lambda m, d=d: speedup_cell(group, m, "efficiency", d), d))
    return rows


def overhead_how(group, dispatch):
    """How the overhead row is measured; with floors, what its multiple means. Below 1× is no
    error: a busy pool takes the next task without the wake-up its floor measures, and handed
    the whole range (map) a model hands over chunks."""
    how = ("cpu.spin at the smallest grain each model ran: (wall × min(P, cores) − sequential "
           "time) / tasks")
    if floor_why(group):
        return how
    how += ("; = N× floor: that overhead over the model's machine floor (see Machine floors); "
            "below 1×, the model does not pay a whole unit per task")
    if dispatch == "map":
        how += " (with map, tasks go in chunks)"
    return how


def overhead_rows(group, spin):
    return [_row(group, shape_key("overhead", d), f"Per-task overhead{shape_label('cpu.spin', d)}",
                 overhead_how(group, d), lambda m, d=d: overhead_cell(group, m, d), d)
            for d in spin]


# --------------------------------------------------------------------------------- start

def start_point(group, model, workers=None):
    pts = group.select("start", model)
    if workers is None:
        return at_cores(pts, group.cores)
    return next((p for p in pts if p.get("workers") == workers), None)


def start_cell(group, model, workers=None):
    p = start_point(group, model, workers)
    if p is None:
        if workers is not None and group.select("start", model) and \
                all("workers" not in dict(q.params) for q in group.select("start", model)):
            return Cell("one loop only", status="none")
        return absent(group, "start", model, **({"workers": workers} if workers else {}))
    return measured(group, p, "start_s", workers_note(p))


def start_rows(group):
    """Start at P = cores; and at the most workers any start ran, when that is more."""
    rows = [_row(group, "start", f"Time to start the model (P = {group.cores})",
                 "start: start and stop the model alone (threads running, arena joined, children "
                 "forked and answering)", lambda m: start_cell(group, m))]
    most = max((p.get("workers") for p in group.select("start") + group.select("start", ok=False)
                if "workers" in dict(p.params)), default=None)
    if most is not None and most > group.cores:
        rows.append(_row(group, "start_many", f"Time to start {sig(most)} workers",
                         f"start with P = {sig(most)}: what a blocking model needs for "
                         f"{sig(most)} operations in flight", lambda m: start_cell(group, m, most)))
    return rows


def headline(group):
    """Every headline row this group has data for, in the table's order."""
    spin = shapes(group, "cpu.spin") or [None]
    return io_rows(group) + speedup_rows(group, spin) + overhead_rows(group, spin) + \
        start_rows(group)
