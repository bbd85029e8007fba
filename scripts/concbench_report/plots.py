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
from matplotlib.ticker import (FixedLocator, FuncFormatter, LogLocator, MaxNLocator,  # noqa: E402
                               NullFormatter, NullLocator)
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from . import series  # noqa: E402
from .decide import SATURATED  # noqa: E402
from .model import add_style  # noqa: E402
from .model import styles as model_styles  # noqa: E402
from .units import nbytes, seconds, sig  # noqa: E402

# Each model's colour, marker and line are the results file's (model.styles: the binary and
# the Python arm write them in concbench_model_kinds), the same in every plot; use_styles sets
# them for the group being drawn.
_STYLES = {}
_LINES = {"solid": "-", "dashed": "--", "dotted": ":", "dashdot": "-."}


def use_styles(group):
    """Draw with the styles `group`'s files give its models (and free ones for the rest)."""
    _STYLES.clear()
    _STYLES.update(model_styles(group.context, {p.model for p in group.points}))


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


# Called as on_figure(key, fig) with every figure once it is saved, before it is closed (the
# tests read the drawn figure through it: plotcheck.py); None: nothing is called.
on_figure = None
SAVE = dict(dpi=110, bbox_inches="tight", pad_inches=0.15)


def _style(model):
    # A model no file declared: the next colour and marker free.
    return _STYLES[model] if model in _STYLES else add_style(_STYLES, model)


def colour(model):
    return _style(model).colour


def marker(model):
    return _style(model).marker


def dashes(model):
    return _LINES.get(_style(model).line, "--")


def _model_handles(models, labels=None):
    labels = labels or {}
    return [Line2D([], [], color=colour(m), marker=marker(m), linestyle=dashes(m),
                   label=labels.get(m, m)) for m in models]


def _legend(fig, models, extra=(), labels=None):
    """One legend under the panels: the models (named as `labels` says, else by name), then
    what the other marks mean. No model legend when `models` is empty (each panel has its
    own)."""
    handles = _model_handles(models, labels)
    fig.tight_layout()
    width, height = fig.get_size_inches()
    rows = 0
    if handles:
        # As many rows as the width needs, the models spread evenly over them (13 models in
        # 11 columns would put two in the first two columns and one in the rest); with
        # labels longer than a model's name, a column as wide as the longest.
        column = 1.3 if not labels else \
            max(1.3, 0.55 + 0.062 * max(len(h.get_label()) for h in handles))
        per_row = max(1, int(width / column))
        rows = -(-len(handles) // per_row)
        fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                   ncol=max(1, -(-len(handles) // rows)), frameon=False, fontsize=8)
    if extra:
        fig.legend(handles=list(extra), loc="upper center",
                   bbox_to_anchor=(0.5, -0.07 * rows * 4.3 / height),
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


def _byte_ticks(ax, which, suffix=""):
    """Ticks at round binary sizes on a log axis of bytes: every power of two, or every 2nd,
    4th, 5th or 10th (1 KiB, 4 KiB, 16 KiB; 1 KiB, 16 KiB, 256 KiB; 1 KiB, 1 MiB), the
    densest that gives at most 6 labels, labelled '1 KiB', never '1,000 B' or '9.77 KiB'. The
    other powers of two are unlabelled minor ticks. Call once the axis' limits are final."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    lo, hi = sorted(ax.get_ylim() if which == "y" else ax.get_xlim())
    k0, k1 = math.ceil(math.log2(max(lo, 1))), math.floor(math.log2(max(hi, 1)))
    ks = []
    for step in (1, 2, 4, 5, 10, 20):
        ks = [k for k in range(k0, k1 + 1) if k % step == 0]
        if len(ks) <= 6:
            break
    if not ks:    # less than one power of two apart: the nearest one (on the axis or not)
        ks = [round(math.log2(math.sqrt(max(lo, 1) * max(hi, 1))))]
    axis.set_major_locator(FixedLocator([2.0 ** k for k in ks]))
    axis.set_major_formatter(FuncFormatter(lambda v, _: nbytes(v) + suffix))
    axis.set_minor_locator(FixedLocator([2.0 ** k for k in range(k0, k1 + 1) if k not in ks]))
    axis.set_minor_formatter(NullFormatter())


def _byte_rate_ticks(ax, which="y"):
    """Ticks at round values of one binary unit on a linear axis of bytes per second: 0,
    0.5, 1, 1.5 GiB/s (never 477 MiB/s, 954 MiB/s)."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    lo, hi = sorted(ax.get_ylim() if which == "y" else ax.get_xlim())
    top = max(abs(lo), abs(hi), 1)
    scale, name = next(((s, n) for s, n in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"))
                        if top >= s), (1, "B"))
    # Round numbers of `name`, not of bytes: located in that unit, then scaled back.
    step = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(lo / scale, hi / scale)
    axis.set_major_locator(FixedLocator([v * scale for v in step]))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{sig(v / scale)} {name}/s"))
    axis.set_minor_locator(NullLocator())


def _log_base(values):
    """Where bars on a log axis start (a log axis has no 0 to start them from): the round
    value (1, 2 or 5 × a power of ten) at or below half the shortest bar, so that every bar
    shows; 1 when no value is positive."""
    positive = [v for v in values if v is not None and v == v and v > 0]
    if not positive:
        return 1.0
    half = 0.5 * min(positive)
    decade = 10.0 ** math.floor(math.log10(half))
    return max(m * decade for m in (1, 2, 5) if m * decade <= half)


def _log_bars(values, base):
    """The lengths of bars from `base` to each value on a log axis; NaN (no bar) for a value
    that is missing or not positive, which a log axis cannot show."""
    return [v - base if v is not None and v == v and v > 0 else float("nan") for v in values]


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
    fig.savefig(buf, format="png", metadata={"Software": None}, **SAVE)
    data = buf.getvalue()
    pathlib.Path(outdir, png).write_bytes(data)
    fig.savefig(pathlib.Path(outdir, svg), format="svg", metadata={"Date": None},
                bbox_inches=SAVE["bbox_inches"], pad_inches=SAVE["pad_inches"])
    if on_figure is not None:
        on_figure(key, fig)
    plt.close(fig)
    return PlotInfo(key, title, caption, png, svg, base64.b64encode(data).decode("ascii"))


def _models(group, panels):
    """The models `panels` draw or mark, in the group's order of models."""
    seen = {line.model for p in panels for line in p.lines} | {m for p in panels for m, *_ in p.missing}
    order = [m for m in group.models if m in seen]
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
    _legend(fig, _models(group, panels), extra + _saturated_handles(panels))
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
    _legend(fig, _models(group, panels), extra)
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
    # Each crossover is named in the legend, beside its model: a label beside each ◆ would
    # lie on the other models' lines and on the other labels, the crossovers being close.
    crossover = {}
    for model, x, y, text in panel.marks:
        ax.plot([x], [y], marker="D", color=colour(model), markersize=8, markeredgecolor="black",
                zorder=6, linestyle="none")
        crossover[model] = f"{model} (◆ {text})"
    t = blended_transform_factory(ax.transData, ax.transAxes)
    for model, x, _ in panel.floor:
        ax.plot([x], [0.02], marker="v", color=colour(model), transform=t, clip_on=False,
                linestyle="none", markersize=7)
    _mark_missing(ax, panel.missing)
    labels = _machine_floors(ax, panel.machine_floors)
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
    _legend(fig, [ln.model for ln in panel.lines], extra, crossover)
    _spread_labels(ax, labels)
    return _save(fig, outdir, stem + key, key, d.titles.get(key, ""),
                 "Per-task overhead, (wall × min(P, cores) − sequential time) / tasks, against the "
                 "grain (log axes). Below the dashed line a model is at least 90 % efficient; "
                 "◆ marks the grain where each model crosses it (in the legend, beside the "
                 "model)." +
                 (" Dash-dot lines: the machine floors the models name (see Machine floors), "
                  "the cost of the unit each is built on; a model below its floor does not pay "
                  "a whole unit per task (a busy pool, or chunks with map)."
                  if panel.machine_floors else ""))


def _machine_floors(ax, floors):
    """Each machine floor as a horizontal dash-dot line in the colour of the first model that
    names it (a shared floor is drawn once), named at the right edge with its models, in the
    same colour, a short leader joining name and line; returns the names, to be spread apart
    (_spread_labels) once the layout is final."""
    right = blended_transform_factory(ax.transAxes, ax.transData)
    labels = []
    for name, y, models in floors:
        ax.axhline(y, color=colour(models[0]), **FLOOR)
        labels.append(ax.annotate(
            f"{name} ({', '.join(models)})", (1.0, y), xycoords=right, xytext=(LEADER, 0),
            textcoords="offset points", fontsize=7, va="center", ha="left",
            color=colour(models[0]), annotation_clip=False,
            arrowprops=dict(arrowstyle="-", color=colour(models[0]), linewidth=0.6,
                            shrinkA=0, shrinkB=0, relpos=(0.0, 0.5))))
    return labels


LEADER = 8   # points between the axes' right edge and a label there


def _spread_labels(ax, labels, gap=1.0):
    """Moves the labels at the right edge of `ax` (annotations at (1, y), from
    _machine_floors) up or down, as little as it takes, so that no two overprint: neighbours
    that would overlap are stacked edge to edge around the mean of the heights they want, the
    stack kept within the axes; each label's leader still points at its own line. Call once
    the layout is final (after tight_layout): it works in pixels."""
    if not labels:
        return
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    items = sorted(((ann.xycoords.transform(ann.xy)[1],
                     ann.get_window_extent(renderer).height + gap, ann) for ann in labels),
                   key=lambda i: i[0])
    # Blocks of labels stacked edge to edge, each centred on the mean of what its labels want
    # (the least squares placement); a block that overlaps the one below merges with it.
    blocks = []
    for item in items:
        blocks.append([item])
        while len(blocks) > 1 and _block_top(blocks[-2]) > _block_bottom(blocks[-1]):
            blocks[-2:] = [blocks[-2] + blocks[-1]]
    # Kept within the axes: from the top down, then from the bottom up (the bottom wins when
    # they cannot all fit).
    top = ax.bbox.y1
    starts = []
    for block in reversed(blocks):
        start = min(_block_bottom(block), top - _block_height(block))
        starts.append(start)
        top = start
    starts.reverse()
    bottom = ax.bbox.y0
    for i, block in enumerate(blocks):
        starts[i] = max(starts[i], bottom)
        bottom = starts[i] + _block_height(block)
    for start, block in zip(starts, blocks):
        for want, h, ann in block:
            ann.xyann = (LEADER, (start + h / 2 - want) * 72.0 / fig.dpi)
            start += h


def _block_height(block):
    return sum(h for _, h, _ in block)


def _block_bottom(block):
    """Where a block of stacked labels starts so that its centre is the mean of the centres
    its labels want."""
    return sum(want for want, _, _ in block) / len(block) - _block_height(block) / 2


def _block_top(block):
    return _block_bottom(block) + _block_height(block)


LATENCY_MODELS_PER_PANEL = 4   # p50 and p99 of each: at most 8 lines in a panel


def latency_rows(group, models):
    """[(what the row's models share, [models])]: the models that hold every wait in flight
    (an event loop, a suspended task) apart from those that block a worker per wait (and from
    those the file does not say of), each kind in rows of at most LATENCY_MODELS_PER_PANEL
    models, as even as they go."""
    kinds = (("hold every wait in flight", [m for m in models
                                            if group.waits(m) in ("loop", "suspend")]),
             ("block a worker per wait", [m for m in models if group.waits(m) == "blocking"]),
             ("wait as the file does not say", [m for m in models if group.waits(m) is None]))
    rows = []
    for what, ms in kinds:
        n = -(-len(ms) // LATENCY_MODELS_PER_PANEL)
        for i in range(n):
            rows.append((what, ms[len(ms) * i // n:len(ms) * (i + 1) // n]))
    return rows


def plot_latency(group, d, outdir, stem):
    """Small multiples: one column per wait L, one row per few models (latency_rows), p50 and
    p99 of each; every panel of a column on one y scale, so that the rows compare."""
    panels = series.io_panels(group, "io.sleep", "lat_p50_us")
    if not panels:
        return None
    for p in panels:
        p.lines = [ln for ln in p.lines if ln.style == "main"]
    rows = latency_rows(group, _models(group, panels))
    title = d.titles.get("latency", "Latency")
    fig, grid = plt.subplots(len(rows), len(panels), squeeze=False, sharex=True, sharey="col",
                             figsize=(min(5.0 * len(panels), 15), 2.6 * len(rows) + 1.0))
    fig.suptitle("\n".join(textwrap.wrap(title, 110)))
    for i, (what, models) in enumerate(rows):
        for j, panel in enumerate(panels):
            ax = grid[i][j]
            mine = series.Panel(panel.title, panel.value,
                                lines=[ln for ln in panel.lines if ln.model in models],
                                missing=[m for m in panel.missing if m[0] in models])
            _limit(ax, panel)
            _draw_lines(ax, mine, linestyle="-")
            _draw_lines(ax, mine, y2=True, linestyle="--", hollow=True)
            _mark_missing(ax, mine.missing)
            ax.set_xscale("log")
            ax.set_yscale("log")
            if i == 0:
                ax.set_title(f"io.sleep, {panel.title}")
            if i == len(rows) - 1:
                ax.set_xlabel("concurrency C (operations in flight)")
            if j == 0:
                ax.set_ylabel("latency of one operation")
            ax.legend(handles=_model_handles(models), loc="upper left", fontsize=7,
                      title=f"models that {what}" if j == 0 else None, title_fontsize=7)
    for ax in grid.flat:        # once every row has drawn: the shared limits are final
        _log_labels(ax, "x", sig)
        _log_labels(ax, "y", _us)
    extra = [Line2D([], [], label="limit: the wait asked, L", **LIMIT),
             Line2D([], [], color="grey", marker="o", label="p50 (solid)"),
             Line2D([], [], color="grey", marker="^", linestyle="--", markerfacecolor="white",
                    label="p99 (dashed)"), _missing_handle()]
    _legend(fig, [], extra)
    return _save(fig, outdir, stem + "latency", "latency", d.titles.get("latency", ""),
                 "Median (p50) and 99th-percentile latency of one wait against concurrency "
                 "(log axes), one column per wait L and a few models per row (those that hold "
                 "every wait in flight first), every row of a column on one scale; the dashed "
                 "black line is the wait asked, L: nothing can be faster.")


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
    _byte_ticks(ax, "y")
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
    use_styles(decisions.group)
    for draw in PLOTS:
        info = draw(decisions.group, decisions, outdir, prefix)
        for one in info if isinstance(info, list) else [info]:
            if one is not None:
                out.append(one)
    return out
