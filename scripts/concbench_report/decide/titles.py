"""Each plot's title: what to conclude from it, in one line, made from the same rows and
classes the tables show (so a title never says what a table contradicts). One function per
plot; those of work with a dispatch give one title per dispatch, from that dispatch only."""
from .. import series
from ..series import shape_key, shape_label, shapes
from ..units import nbytes, seconds, sig
from .common import SATURATED, class_of, entry_of, models_text, row_cells, shaped


def io_title(rows):
    reach = {m: c for m, c in row_cells(rows, "io_reach").items() if c.status == "ok"}
    never = [m for m, c in row_cells(rows, "io_reach").items() if c.status == "none"]
    if not reach:
        return "I/O throughput against the ideal C / L"
    top = max(c.value for c in reach.values())
    best = [m for m, c in reach.items() if c.value == top]
    t = (f"{models_text(best)} keep{'s' if len(best) == 1 else ''} {sig(top)} waits in "
         "flight at ≥ 90 % of the ideal C / L")
    rest = sorted(((m, c.value) for m, c in reach.items() if c.value < top), key=lambda x: -x[1])
    if rest:
        t += "; " + ", ".join(f"{m} {sig(v)}" for m, v in rest)
    if never:
        t += f"; {models_text(never)} never"
    return t


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
        t = f"{models_text(near)} reach{'es' if len(near) == 1 else ''} ≥ 95 % of {cores} cores"
    else:
        t = f"{lead[0]} reaches {sp[lead[0]].text} on {cores} cores"
    loop = group.stands_for("asyncio")
    rest = [(m, c) for m, c in sp.items() if m not in lead and m != loop]
    if rest:
        t += "; " + ", ".join(f"{m} {c.text}" for m, c in sorted(rest, key=lambda kv: -kv[1].value))
    if loop in sp and loop not in lead:
        t += f"; one loop ({loop}) stays at {sp[loop].text}"
    return t


def nested_title(cls):
    """The speedup plot of workloads without dispatch (cpu.nested) in a file whose other CPU
    work has one."""
    if cls is None or not cls.ranking:
        return None
    return f"Nested fork-join (cpu.nested, no dispatch): {cls.summary}"


def speedup_titles(group, rows, classes):
    """{speedup key: title}, one per speedup plot (series.speedup_shapes)."""
    out = {}
    for d in series.speedup_shapes(group):
        t = speedup_title(group, row_cells(rows, shape_key("cpu_speedup", d)))
        if t is None and d is None:
            t = nested_title(class_of(classes, "cpu_nested"))
        if t is not None:
            out[shape_key("speedup", d)] = f"With dispatch: {d}, {t}" if d else t
    return out


def overhead_titles(group, rows):
    """{overhead key: title}: the cheapest and dearest model per dispatch, each cell as the
    headline shows it (with its multiple of the model's floor, where the run has floors). An
    overhead ≤ 0 is noise (faster than the sequential reference): the plot marks it on its
    axis, and the title names its models as within the noise, never quoting the figure."""
    out = {}
    for d in shapes(group, "cpu.spin"):
        ov = {m: c for m, c in row_cells(rows, shape_key("overhead", d)).items()
              if c.value is not None}
        noise = [m for m, c in ov.items() if c.value <= 0]
        ov = {m: c for m, c in ov.items() if c.value > 0}
        if not ov and not noise:
            continue
        t = f"Per-task overhead{shape_label('cpu.spin', d)}"
        if ov:
            lo = min(ov.items(), key=lambda kv: kv[1].value)
            hi = max(ov.items(), key=lambda kv: kv[1].value)
            t += f" from {lo[1].text} ({lo[0]}) to {hi[1].text} ({hi[0]})"
        if noise:
            t += (f"{';' if ov else ':'} {models_text(noise)} "
                  f"{'is' if len(noise) == 1 else 'are'} within the noise (≤ 0)")
        out[shape_key("overhead", d)] = t + "; below the dashed line a model is ≥ 90 % efficient"
    return out


def latency_title(group):
    """The worst p99 against the wait asked, over every main line of io.sleep; None if none."""
    worst = None
    for panel in series.io_panels(group, "io.sleep", "lat_p50_us"):
        for line in panel.lines:
            if line.style != "main" or not panel.value:
                continue
            for pt in line.points:
                r = (pt.y2 or pt.y) / panel.value
                if worst is None or r > worst[0]:
                    worst = (r, line.model, pt, panel.value)
    if worst is None:
        return None
    r, m, pt, lat = worst
    return (f"Tail latency: the worst p99 is {m}'s, {sig(r, 2)}× the "
            f"{seconds(lat * 1e-6)} wait asked, at C = {sig(pt.x)}")


def memory_title(group):
    """The cheapest and dearest model at one concurrency of the memory plot (the one with
    the most models drawn; of those, the highest), from the points the plot draws, so that
    the title's numbers are on the plot and it says which of its points they are (the plot
    is at one wait L, which its panel's title says)."""
    panel = series.memory_panel(group)
    if panel is None:
        return None
    at = {}
    for line in panel.lines:
        for pt in line.points:
            at.setdefault(pt.x, {})[line.model] = pt.y
    c, mem = max(at.items(), key=lambda kv: (len(kv[1]), kv[0]))
    lo = min(mem.items(), key=lambda kv: kv[1])
    hi = max(mem.items(), key=lambda kv: kv[1])
    t = f"Memory per operation in flight at C = {sig(c)}: "
    if len(mem) == 1:
        return t + f"{nbytes(lo[1])} ({lo[0]})"
    t += f"from {nbytes(lo[1])} ({lo[0]}) to {nbytes(hi[1])} ({hi[0]})"
    if hi[1] / lo[1] >= 2:
        t += f", {sig(float(f'{hi[1] / lo[1]:.2g}'))}× more"    # 79,000×, not 79,334×
    return t


def mixed_title(classes):
    mixed = [c for c in classes if c.key.startswith("mixed_")]
    if not mixed:
        return None

    def wl(c):
        return sig(c.at["grain_us"] / c.at["latency_us"])
    first, last = mixed[0], mixed[-1]
    t = f"Mixed work: {' = '.join(first.winners) or 'none'} at W/L = {wl(first)}"
    if last is not first:
        t += f", {' = '.join(last.winners) or 'none'} at W/L = {wl(last)}"
    return t + " (★ = best, ties included)"


def ipc_titles(classes, group=None):
    """{ipc key: title}, one per dispatch of the large-payload class; the process pool standing
    for multiprocessing (`group`'s) is named where it pays for the copy."""
    out = {}
    procs = group.stands_for("multiprocessing") if group is not None else None
    for ipc in shaped(classes, "ipc_large"):
        if not ipc.ranking:
            continue
        p = entry_of(ipc, procs) if procs else None
        t = (f"{nbytes(ipc.at['payload_bytes'])} per task{shape_label('ipc', ipc.dispatch)}: "
             f"{' = '.join(ipc.winners)} move{'s' if len(ipc.winners) == 1 else ''} it fastest")
        if p is not None and procs not in ipc.winners and p.point.v("speedup") is not None:
            t += f"; {procs} pays for the copy (speedup {p.point.v('speedup'):.2f}×)"
        out[shape_key("ipc", ipc.dispatch)] = t
    return out


def echo_title(classes):
    echo = class_of(classes, "io_echo")
    if not echo:
        return None
    t = (f"Network round trips ({echo.case}): {' = '.join(echo.winners) or 'none'} "
         f"{'is' if len(echo.winners) == 1 else 'are'} fastest")
    left = [e.model for e in echo.absent if e.cell.status == "saturated"]
    if left:
        t += f"; {SATURATED} {models_text(left)}: embedded server saturated, not ranked"
    return t


def titles(group, rows, classes):
    """A title per plot that says what to conclude from it; a plot without one here is titled
    by plots.py's default."""
    out = {"io_throughput": io_title(rows)}
    out.update(speedup_titles(group, rows, classes))
    out.update(overhead_titles(group, rows))
    single = {"latency": latency_title(group), "memory": memory_title(group),
              "mixed": mixed_title(classes)}
    out.update({k: t for k, t in single.items() if t is not None})
    out.update(ipc_titles(classes, group))
    echo = echo_title(classes)
    if echo is not None:
        out["echo"] = echo
    return out
