"""Plots: each draws one series (series.py) against its physical limit, with a title that says
what to conclude (decide.titles), units on the axes and one colour per model in every plot.
Written as PNG and SVG; errors and skips are marked on the axis (✕), never drawn as zeros.
Work with a dispatch (cpu.spin, cpu.real, ipc) gets one plot per dispatch, titled with it, so
that no plot sets a map result beside an each result; a point whose server was saturated
is ringed (⊘)."""
import base64
import io
import math
import pathlib
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from . import series  # noqa: E402
from .decide import SATURATED  # noqa: E402
from .model import MODEL_ORDER  # noqa: E402
from .units import nbytes, seconds, sig  # noqa: E402

# One colour and marker per model, the same in every plot, no two alike (Tableau 10, then the
# Python arm's in darker shades of Tableau 20b). The guide's three models and tbb are drawn
# solid, the variants and the Python arm dashed.
COLOURS = {"coro": "#1f77b4", "threads": "#ff7f0e", "tbb": "#2ca02c", "procs": "#d62728",
           "coro_mt": "#9467bd", "procs_coro": "#8c564b", "thread_per_task": "#e377c2",
           "fork_per_task": "#7f7f7f", "tbb_blocking": "#bcbd22", "py_asyncio": "#17becf",
           "py_uvloop": "#393b79", "py_threads": "#8c6d31", "py_procs": "#843c39"}
MARKERS = {"coro": "o", "threads": "s", "tbb": "^", "procs": "D", "coro_mt": "v",
           "procs_coro": "P", "thread_per_task": "X", "fork_per_task": "*", "tbb_blocking": "<",
           "py_asyncio": "h", "py_uvloop": "p", "py_threads": "d", "py_procs": ">"}
SOLID = ("coro", "threads", "tbb", "procs")
_SPARE = ["#637939", "#7b4173", "#e7ba52", "#5254a3", "#ad494a"]
SATURATED_RING = dict(marker="o", markersize=13, markerfacecolor="none", markeredgecolor="#7c2d12",
                      markeredgewidth=1.6, linestyle="none", zorder=7)
LIMIT = dict(color="black", linestyle="--", linewidth=1.4, zorder=1)
FLOOR = dict(linestyle="-.", linewidth=0.9, alpha=0.7, zorder=1)

plt.rcParams.update({"font.size": 9, "axes.titlesize": 10, "figure.titlesize": 11,
                     "axes.grid": True, "grid.alpha": 0.3, "svg.hashsalt": "concbench",
                     "figure.dpi": 100})


@dataclass
class PlotInfo:
    key: str
    title: str
    caption: str
    png: str          # file name in the output folder
    svg: str
    png_b64: str


def colour(model):
    if model in COLOURS:
        return COLOURS[model]
    return _SPARE[sum(map(ord, model)) % len(_SPARE)]


def marker(model):
    return MARKERS.get(model, "o")


def dashes(model):
    return "-" if model in SOLID else "--"


def _legend(fig, models, extra=()):
    """One legend under the panels: the models, then what the other marks mean."""
    handles = [Line2D([], [], color=colour(m), marker=marker(m), linestyle=dashes(m), label=m)
               for m in models]
    fig.tight_layout()
    width = fig.get_size_inches()[0]
    # As many rows as the width needs, the models spread evenly over them (13 models in 11
    # columns would put two in the first two columns and one in the rest).
    rows = max(1, -(-len(handles) // max(1, int(width / 1.3))))
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
               ncol=max(1, -(-len(handles) // rows)), frameon=False, fontsize=8)
    if extra:
        fig.legend(handles=list(extra), loc="upper center", bbox_to_anchor=(0.5, -0.07 *
                   rows * 4.3 / fig.get_size_inches()[1]),
                   ncol=max(1, min(len(extra), int(width / 4))), frameon=False, fontsize=8)


def _missing_handle():
    return Line2D([], [], color="black", marker="x", linestyle="none",
                  label="✕ on the axis: skipped or error (not a zero)")


def _saturated_handles(panels):
    """The legend entry for the ring, when some point drawn has one."""
    if any(pt.saturated for p in panels for ln in p.lines for pt in ln.points):
        return [Line2D([], [], label=f"{SATURATED} ring: embedded server saturated (measures the "
                       "server; ranks nothing)", **SATURATED_RING)]
    return []


def short_count(v):
    """Tick labels for counts and rates: 1, 10, 100, 1k, 10k, 1M."""
    for scale, name in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= scale:
            return f"{sig(v / scale)}{name}"
    return sig(v)


def _log_labels(ax, which, fmt):
    """Readable labels on a log axis: `fmt` on the decades; on a short axis (less than a factor
    of 3), a few evenly spaced labelled ticks instead."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if which == "y" else ax.get_xlim()
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
    axis.set_minor_formatter(NullFormatter())
    if lo > 0 and hi / lo < 3:
        axis.set_major_locator(MaxNLocator(5))
    elif lo > 0 and hi / lo < 30:
        axis.set_minor_locator(LogLocator(base=10, subs=(2, 5)))
        axis.set_minor_formatter(FuncFormatter(lambda v, _: fmt(v)))


def _us(v):
    return seconds(v * 1e-6)


def _mark_missing(ax, missing):
    """Skipped and errored points: a ✕ on the bottom axis at their x, in the model's colour."""
    t = blended_transform_factory(ax.transData, ax.transAxes)
    for model, x, _ in missing:
        if x is not None and x > 0:
            ax.plot([x], [0.02], marker="x", color=colour(model), transform=t, clip_on=False,
                    linestyle="none", markersize=7, zorder=5)


def _figure(n, title, height=4.3):
    n = max(1, n)
    fig, axes = plt.subplots(1, n, figsize=(min(5.0 * n, 15), height), squeeze=False)
    fig.suptitle("\n".join(textwrap.wrap(title, 110)))
    return fig, list(axes[0])


def _save(fig, outdir, stem, key, title, caption):
    png, svg = f"{stem}.png", f"{stem}.svg"
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None}, bbox_inches="tight",
                pad_inches=0.15)
    data = buf.getvalue()
    pathlib.Path(outdir, png).write_bytes(data)
    fig.savefig(pathlib.Path(outdir, svg), format="svg", metadata={"Date": None},
                bbox_inches="tight", pad_inches=0.15)
    plt.close(fig)
    return PlotInfo(key, title, caption, png, svg, base64.b64encode(data).decode("ascii"))


def _models(panels):
    seen = {line.model for p in panels for line in p.lines} | {m for p in panels for m, *_ in p.missing}
    order = [m for m in MODEL_ORDER if m in seen]
    return order + sorted(seen - set(order))


def _draw_lines(ax, panel, y2=False, linestyle=None, hollow=False):
    """Each line of `panel` in its model's colour; y2: the second quantity (p99, CPU per task);
    hollow: hollow triangles (p99)."""
    for line in panel.lines:
        xs = [p.x for p in line.points]
        ys = [p.y2 if y2 else p.y for p in line.points]
        pairs = [(x, y) for x, y in zip(xs, ys) if y is not None]
        if not pairs:
            continue
        xs, ys = zip(*pairs)
        if line.style == "queueing":
            ax.plot(xs, ys, color=colour(line.model), linestyle=":", marker=".", linewidth=1,
                    alpha=0.8, zorder=2)
        else:
            ax.plot(xs, ys, color=colour(line.model), linestyle=linestyle or dashes(line.model),
                    marker="^" if hollow else marker(line.model), markersize=5, linewidth=1.6,
                    zorder=3, markerfacecolor="white" if hollow else colour(line.model))
        ringed = [(p.x, p.y2 if y2 else p.y) for p in line.points if p.saturated
                  and (p.y2 if y2 else p.y) is not None]
        if ringed:
            ax.plot(*zip(*ringed), **SATURATED_RING)


def _limit(ax, panel):
    if panel.limit:
        xs, ys = zip(*panel.limit)
        ax.plot(xs, ys, **LIMIT)


def plot_io(group, d, outdir, stem):
    panels = series.io_panels(group, "io.sleep", "items_per_second")
    if not panels:
        return None
    return _io_figure(group, panels, outdir, stem + "io_throughput", "io_throughput", "io.sleep",
                      d.titles.get("io_throughput", "I/O throughput"),
                      "io.sleep throughput against concurrency, one panel per wait L (log axes). "
                      "The dashed black line is the limit: C operations every L. Blocking models "
                      "run one worker per operation; dotted lines: fewer workers than C, so "
                      "operations queue.")


def plot_echo(group, d, outdir, stem):
    panels = series.io_panels(group, "io.echo", "items_per_second")
    if not panels:
        return None
    return _io_figure(group, panels, outdir, stem + "echo", "echo", "io.echo",
                      d.titles.get("echo", "Round trips over loopback TCP"),
                      "io.echo round trips per second against concurrency, one panel per server "
                      "delay L (log axes); the dashed line, where L > 0, is C round trips every "
                      f"L. {SATURATED} rings a point whose echo server used ≥ 90 % of the CPU left to it: "
                      "it measures the server, not the model, and ranks nothing.")


def _io_figure(group, panels, outdir, stem, key, workload, title, caption):
    """Throughput against concurrency, one panel per latency, for io.sleep or io.echo."""
    fig, axes = _figure(len(panels), title)
    for ax, panel in zip(axes, panels):
        _limit(ax, panel)
        _draw_lines(ax, panel)
        _mark_missing(ax, panel.missing)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{workload}, {panel.title}")
        ax.set_xlabel("concurrency C (operations in flight)")
        ax.set_ylabel("throughput (operations/s)")
        _log_labels(ax, "x", sig)
        _log_labels(ax, "y", short_count)
    extra = [Line2D([], [], label="limit: ideal throughput C / L", **LIMIT),
             Line2D([], [], color="grey", linestyle=":", marker=".",
                    label="blocking model, P = cores < C (queueing)"), _missing_handle()]
    _legend(fig, _models(panels), extra + _saturated_handles(panels))
    return _save(fig, outdir, stem, key, title, caption)


def plot_speedup(group, d, outdir, stem):
    """One figure per dispatch (and one for work without it: cpu.nested)."""
    return [_speedup(group, d, outdir, stem, shape) for shape in series.speedup_shapes(group)]


def _speedup(group, d, outdir, stem, shape):
    panels = series.speedup_panels(group, shape)
    if not panels:
        return None
    key = series.shape_key("speedup", shape)
    fig, axes = _figure(len(panels), d.titles.get(key, "Speedup"))
    for ax, panel in zip(axes, panels):
        _limit(ax, panel)
        _draw_lines(ax, panel)
        _mark_missing(ax, panel.missing)
        xs = sorted({x for x, _ in panel.limit})
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs)
        ax.set_xticklabels([sig(x) for x in xs])
        ax.set_ylim(bottom=0)
        ax.set_title(panel.title)
        ax.set_xlabel("workers P (threads, loops or processes)")
        ax.set_ylabel("speedup over the sequential run (×)")
    extra = [Line2D([], [], label=f"limit: min(P, {group.cores} cores)", **LIMIT), _missing_handle()]
    _legend(fig, _models(panels), extra)
    what = f"dispatch: {shape}" if shape else "work without a dispatch in its name"
    return _save(fig, outdir, stem + key, key, d.titles.get(key, ""),
                 f"Speedup against workers for CPU work ({what}). The dashed black line is the "
                 f"limit: min(P, cores) with {group.cores} cores. coro is one loop (P = 1).")


def plot_overhead(group, d, outdir, stem):
    """One figure per dispatch of cpu.spin."""
    return [_overhead(group, d, outdir, stem, shape)
            for shape in series.shapes(group, "cpu.spin")]


def _overhead(group, d, outdir, stem, shape):
    panel = series.overhead_panel(group, shape)
    if panel is None:
        return None
    key = series.shape_key("overhead", shape)
    fig, (ax,) = _figure(1, d.titles.get(key, "Per-task overhead"), height=4.8)
    fig.set_size_inches(8, 5.2)
    _limit(ax, panel)
    xs = [x for x, _ in panel.limit]
    ax.plot(xs, xs, color="grey", linestyle=":", linewidth=1.2, zorder=1)
    _draw_lines(ax, panel)
    for model, x, y, text in panel.marks:
        ax.plot([x], [y], marker="D", color=colour(model), markersize=8, markeredgecolor="black",
                zorder=6, linestyle="none")
        ax.annotate(f"{model}: ≥ {text}", (x, y), textcoords="offset points", xytext=(6, -12),
                    fontsize=7, color=colour(model))
    t = blended_transform_factory(ax.transData, ax.transAxes)
    for model, x, _ in panel.floor:
        ax.plot([x], [0.02], marker="v", color=colour(model), transform=t, clip_on=False,
                linestyle="none", markersize=7)
    _mark_missing(ax, panel.missing)
    _machine_floors(ax, panel.machine_floors)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("grain: CPU work per task")
    ax.set_ylabel("overhead per task")
    _log_labels(ax, "x", _us)
    _log_labels(ax, "y", _us)
    ax.set_title(f"{panel.title}, workers = cores")
    extra = [Line2D([], [], label="limit: overhead = 10 % of the grain (efficiency 0.9)", **LIMIT),
             Line2D([], [], color="grey", linestyle=":", label="overhead = the grain (efficiency 0.5)"),
             Line2D([], [], color="grey", marker="D", linestyle="none", markeredgecolor="black",
                    label="◆ crossover: efficient from this grain on"),
             Line2D([], [], color="grey", marker="v", linestyle="none",
                    label="▼ on the axis: ≤ 0, within the noise"), _missing_handle()]
    if panel.machine_floors:
        extra.append(Line2D([], [], color="grey", label="dash-dot: a model's machine floor "
                            "(the cost of the unit it is built on)", **FLOOR))
    _legend(fig, [ln.model for ln in panel.lines], extra)
    return _save(fig, outdir, stem + key, key, d.titles.get(key, ""),
                 "Per-task overhead, (wall × min(P, cores) − sequential time) / tasks, against the "
                 "grain (log axes). Below the dashed line a model is at least 90 % efficient; "
                 "◆ marks the grain where each model crosses it." +
                 (" Dash-dot lines: the machine floors the models name (see Machine floors), "
                  "the cost of the unit each is built on; a model below its floor does not pay "
                  "a whole unit per task (a busy pool, or chunks with map)."
                  if panel.machine_floors else ""))


def _near(floors, ratio=1.6):
    """`floors` sorted by value, in runs whose neighbours lie within `ratio` of each other: on
    a log axis their names would overprint, so each run gets one stacked label."""
    runs = []
    for f in sorted(floors, key=lambda f: f[1]):
        if runs and f[1] <= runs[-1][-1][1] * ratio:
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def _machine_floors(ax, floors):
    """Each machine floor as a horizontal dash-dot line in the colour of the first model that
    names it (a shared floor is drawn once), named at the right edge with its models."""
    right = blended_transform_factory(ax.transAxes, ax.transData)
    for name, y, models in floors:
        ax.axhline(y, color=colour(models[0]), **FLOOR)
    for run in _near(floors):
        label = "\n".join(f"{name} ({', '.join(models)})" for name, _, models in reversed(run))
        y = math.exp(sum(math.log(f[1]) for f in run) / len(run))
        ax.text(1.01, y, label, transform=right, fontsize=7, va="center", ha="left",
                color=colour(run[0][2][0]) if len(run) == 1 else "#444444")


def plot_latency(group, d, outdir, stem):
    panels = series.io_panels(group, "io.sleep", "lat_p50_us")
    if not panels:
        return None
    for p in panels:
        p.lines = [ln for ln in p.lines if ln.style == "main"]
    fig, axes = _figure(len(panels), d.titles.get("latency", "Latency"))
    for ax, panel in zip(axes, panels):
        _limit(ax, panel)
        _draw_lines(ax, panel, linestyle="-")
        _draw_lines(ax, panel, y2=True, linestyle="--", hollow=True)
        _mark_missing(ax, panel.missing)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"io.sleep, {panel.title}")
        ax.set_xlabel("concurrency C (operations in flight)")
        ax.set_ylabel("latency of one operation")
        _log_labels(ax, "x", sig)
        _log_labels(ax, "y", _us)
    extra = [Line2D([], [], label="limit: the wait asked, L", **LIMIT),
             Line2D([], [], color="grey", marker="o", label="p50 (solid)"),
             Line2D([], [], color="grey", marker="^", linestyle="--", markerfacecolor="white",
                    label="p99 (dashed)"), _missing_handle()]
    _legend(fig, _models(panels), extra)
    return _save(fig, outdir, stem + "latency", "latency", d.titles.get("latency", ""),
                 "Median (p50) and 99th-percentile latency of one wait against concurrency "
                 "(log axes); the dashed black line is the wait asked, L: nothing can be faster.")


def plot_memory(group, d, outdir, stem):
    panel = series.memory_panel(group)
    if panel is None:
        return None
    fig, (ax,) = _figure(1, d.titles.get("memory", "Memory per operation in flight"))
    fig.set_size_inches(8, 4.8)
    _limit(ax, panel)
    _draw_lines(ax, panel)
    _mark_missing(ax, panel.missing)
    t = blended_transform_factory(ax.transData, ax.transAxes)
    for model, x, _ in panel.floor:
        ax.plot([x], [0.02], marker="v", color=colour(model), transform=t, clip_on=False,
                linestyle="none", markersize=7)
    ax.set_xscale("log")
    ax.set_yscale("log", base=2)
    ticks = [2 ** k for k in range(6, 24, 2)]
    lo, hi = ax.get_ylim()
    ax.set_yticks([v for v in ticks if lo <= v <= hi] or ticks[:1])
    ax.set_yticklabels([nbytes(v) for v in ax.get_yticks()])
    ax.set_title(f"io.sleep, {panel.title}")
    ax.set_xlabel("concurrency C (operations in flight)")
    ax.set_ylabel("memory per operation in flight")
    _log_labels(ax, "x", sig)
    extra = [Line2D([], [], label="one 4 KiB page: the least a thread's stack or a process takes",
                    **LIMIT),
             Line2D([], [], color="grey", marker="v", linestyle="none",
                    label="▼ on the axis: 0 B, RSS did not grow"), _missing_handle()]
    _legend(fig, [ln.model for ln in panel.lines], extra)
    return _save(fig, outdir, stem + "memory", "memory", d.titles.get("memory", ""),
                 "(Peak RSS − RSS before set-up) / operations in flight, worker processes' private "
                 "memory included, against concurrency (log axes). The dashed line is one page: "
                 "a thread or process costs at least that; a coroutine can cost less.")


def plot_mixed(group, d, outdir, stem):
    cols = [c for c in d.best_for if c.key.startswith("mixed_")]
    if not cols:
        return None
    models = [m for m in group.models if any(e.model == m for c in cols for e in c.ranking + c.absent)]
    fig, (ax,) = _figure(1, d.titles.get("mixed", "Mixed work"))
    fig.set_size_inches(max(6, 1.4 * len(cols) + 3), 0.45 * len(models) + 2.6)
    import numpy as np
    grid = np.full((len(models), len(cols)), np.nan)
    for j, c in enumerate(cols):
        for i, m in enumerate(models):
            e = next((e for e in c.ranking if e.model == m), None)
            if e is not None and e.point.v("efficiency") is not None:
                grid[i, j] = e.point.v("efficiency")
    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad("#dddddd")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for j, c in enumerate(cols):
        for i, m in enumerate(models):
            e = next((e for e in c.ranking if e.model == m), None)
            if e is None:
                miss = next((a for a in c.absent if a.model == m), None)
                text = "skip" if miss and miss.cell.status == "skipped" else \
                    "error" if miss and miss.cell.status == "error" else "—"
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color="black")
                continue
            eff = grid[i, j]
            star = "★ " if m in c.winners else ""
            ax.text(j, i, f"{star}{eff:.2f}" if eff == eff else star + "?", ha="center",
                    va="center", fontsize=9, fontweight="bold" if star else "normal",
                    color="black" if eff == eff and eff > 0.6 else "white")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels([f"W/L = {sig(c.at['grain_us'] / c.at['latency_us'])}\n"
                        f"W = {seconds(c.at['grain_us'] * 1e-6)}" for c in cols])
    ax.set_yticks(range(len(models)))
    ax.set_yticklabels(models)
    for label, m in zip(ax.get_yticklabels(), models):
        label.set_color(colour(m))
    ax.grid(False)
    ax.set_xlabel("compute per task W / wait per task L")
    cb = fig.colorbar(im, ax=ax, fraction=0.05)
    cb.set_label("efficiency (1 = the limit)")
    c0 = cols[0].at
    return _save(fig, outdir, stem + "mixed", "mixed", d.titles.get("mixed", ""),
                 f"mixed: each task waits L = {seconds(c0['latency_us'] * 1e-6)} then computes W, "
                 f"C = {sig(c0['concurrency'])} in flight. Colour and number: efficiency against the "
                 "limit max(⌈N/C⌉ × (L + W), N × W / cores); ★ = the highest throughput in its "
                 "column, and every model tied with it.")


def plot_ipc(group, d, outdir, stem):
    """One figure per dispatch of ipc."""
    return [_ipc(group, d, outdir, stem, shape) for shape in series.shapes(group, "ipc")]


def _ipc(group, d, outdir, stem, shape):
    panel = series.ipc_panel(group, shape)
    if panel is None:
        return None
    key = series.shape_key("ipc", shape)
    fig, axes = _figure(2, d.titles.get(key, "ipc"))
    sizes = sorted({p.x for ln in panel.lines for p in ln.points})
    ax = axes[0]
    ax.axhline(group.cores, **LIMIT)
    ax.axhline(1, color="grey", linestyle=":", linewidth=1.2)
    _draw_lines(ax, panel)
    _mark_missing(ax, panel.missing)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("speedup over the sequential run (×)")
    ax.set_title(f"speedup{series.shape_label('ipc', shape)}")
    ax = axes[1]
    if panel.limit:
        xs, ys = zip(*panel.limit)
        ax.plot(xs, ys, **LIMIT)
    _draw_lines(ax, panel, y2=True, linestyle="-")
    ax.set_yscale("log")
    ax.set_ylabel("CPU per task, all threads and processes")
    _log_labels(ax, "y", _us)
    ax.set_title(f"CPU cost per task{series.shape_label('ipc', shape)}")
    for ax in axes:
        if sizes[0] == 0:   # 0 B has no place on a log axis: linear below 1 B
            ax.set_xscale("symlog", linthresh=1)
            ax.set_xlim(-0.3, sizes[-1] * 2)
        else:
            ax.set_xscale("log")
            ax.set_xlim(sizes[0] / 2, sizes[-1] * 2)
        ax.set_xticks(sizes)
        ax.set_xticklabels([nbytes(s) for s in sizes])
        ax.set_xlabel("payload handed to a worker per task")
    extra = [Line2D([], [], label=f"limit: speedup {group.cores} (all cores) / CPU of the work alone",
                    **LIMIT),
             Line2D([], [], color="grey", linestyle=":", label="speedup 1 (one core)"),
             _missing_handle()]
    _legend(fig, [ln.model for ln in panel.lines], extra)
    return _save(fig, outdir, stem + key, key, d.titles.get(key, ""),
                 "ipc: each task hands a payload to a worker that reads all of it. Left: speedup "
                 "(limit: the core count). Right: CPU spent per task (dashed: what the sequential "
                 "run spends on the same work, the least possible).")


PLOTS = (plot_io, plot_echo, plot_speedup, plot_overhead, plot_latency, plot_memory, plot_mixed,
         plot_ipc)


def make_plots(decisions, outdir, prefix=""):
    """Every plot this group has data for, written to `outdir` as <prefix><key>.png/.svg. A
    draw function returns one PlotInfo, a list (one per dispatch) or None."""
    out = []
    for draw in PLOTS:
        info = draw(decisions.group, decisions, outdir, prefix)
        for one in info if isinstance(info, list) else [info]:
            if one is not None:
                out.append(one)
    return out
