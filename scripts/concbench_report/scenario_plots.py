"""One plot per scenario of the guide (decide/scenarios.py), shown in its section: the numbers
of its table drawn so that the answer can be seen, in each model's colour. A point that failed
or was skipped is not drawn (the table says why). Models are named on a bar chart's vertical
axis (horizontal bars), where their names have room; bars on a log axis start at the axis'
left edge, a round value below the shortest, never at 0."""
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from .plots import (use_styles, _byte_rate_ticks, _byte_ticks, _figure, _log_bars, _log_base, _log_labels,
                    _save, _us, colour, dashes, marker)
from .units import seconds, sig

WAIT_ORDER = ("all", "each", "first")


def _ok(group, workload, model=None, **params):
    return [p for p in group.select(workload, model, **params) if p.ok]


def _models_in(group, points):
    ms = {p.model for p in points}
    return [m for m in group.models if m in ms]


def plot_loop_blocking(group, outdir, stem):
    pts = _ok(group, "loop.blocking")
    if not pts:
        return None
    lengths = sorted({p.get("block_ms") for p in pts})
    ms = 10 if 10 in lengths else lengths[0]
    pts = [p for p in pts if p.get("block_ms") == ms and p.v("lag_us_p99") is not None]
    order = ("async", "to_thread", "to_procs", "sleep", "cpu")
    pts.sort(key=lambda p: (group.models.index(p.model), order.index(p.get("block"))))
    fig, (ax,) = _figure(1, f"The probe's p99 lateness while another task blocks {ms} ms at a time: "
                            "a blocking call on the loop delays it by the call's length",
                         height=0.18 * len(pts) + 1.8)
    fig.set_size_inches(8, fig.get_size_inches()[1])
    y = np.arange(len(pts))
    lags = [p.v("lag_us_p99") for p in pts]
    base = _log_base(lags)
    ax.barh(y, _log_bars(lags, base), left=base, color=[colour(p.model) for p in pts],
            alpha=0.85)
    ax.scatter([p.v("lag_us_max") for p in pts], y, marker="|", color="black", s=80, zorder=3,
               label="largest")
    ax.set_yticks(y, [f"{p.model} · {p.get('block')}" for p in pts])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(left=base)
    ax.axvline(ms * 1000, color="black", linestyle="--", linewidth=1.2)
    ax.axvline(1000, color="grey", linestyle=":", linewidth=1)
    _log_labels(ax, "x", _us)
    ax.set_xlabel("probe lateness, p99 (bar) and largest (|)")
    fig.tight_layout()
    # The lines named under the panel, where no bar or mark is.
    fig.legend(handles=[Line2D([], [], color="black", linestyle="--", linewidth=1.2,
                               label=f"the blocking call: {ms} ms"),
                        Line2D([], [], color="grey", linestyle=":", linewidth=1,
                               label="the probe's 1 ms period"),
                        Line2D([], [], color="black", marker="|", markersize=9, linestyle="none",
                               label="largest lateness")],
               loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False, fontsize=8)
    return _save(fig, outdir, stem + "scenario_loop.blocking", "scenario_loop.blocking",
                 "loop.blocking", "loop.blocking: the probe's lateness per model and block")


def plot_spawn(group, outdir, stem):
    pts = [p for p in _ok(group, "spawn") if not p.get("parent_mb")]
    if not pts:
        return None
    fig, (a1, a2) = _figure(2, "What one unit costs to create and complete, and holds while it "
                               "waits, against how many wait at once")
    for m in _models_in(group, pts):
        mine = sorted((p for p in pts if p.model == m), key=lambda p: p.get("units"))
        x = [p.get("units") for p in mine]
        a1.plot(x, [p.v("unit_us") for p in mine], color=colour(m), marker=marker(m),
                linestyle=dashes(m), label=m)
        big = [p for p in mine if p.get("units") >= 100 and p.v("mem_per_unit_bytes")]
        a2.plot([p.get("units") for p in big], [p.v("mem_per_unit_bytes") for p in big],
                color=colour(m), marker=marker(m), linestyle=dashes(m), label=m)
        for p in _ok(group, "spawn", m, parent_mb=1024):
            a1.plot([p.get("units")], [p.v("unit_us")], color=colour(m), marker=marker(m),
                    markerfacecolor="none", markersize=10, linestyle="none")
    for ax in (a1, a2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("units waiting at once")
        _log_labels(ax, "x", sig)
    a1.set_ylabel("one unit's life (create + complete)")
    _log_labels(a1, "y", _us)
    a2.set_ylabel("memory per waiting unit (≥ 100 units)")
    _byte_ticks(a2, "y")
    a1.set_title("hollow: from a 1 GiB parent")
    a1.legend(fontsize=7)
    fig.tight_layout()  # the right panel's axis label clear of the left panel
    return _save(fig, outdir, stem + "scenario_spawn", "scenario_spawn", "spawn",
                 "spawn: a unit's life and memory against the units waiting at once")


def _shades(n, light=0.35):
    """n opacities from light to dark, the last 1."""
    return [light + (1 - light) * (j + 1) / n for j in range(n)] if n > 1 else [1.0]


def plot_fanout(group, outdir, stem):
    pts = _ok(group, "fanout")
    if not pts:
        return None
    ks = sorted({p.get("tasks") for p in pts})
    k = 100 if 100 in ks else ks[-1]
    pts = [p for p in pts if p.get("tasks") == k]
    models = _models_in(group, pts)
    fig, (a1, a2) = _figure(2, f"{sig(k)} tasks of 5–25 ms: the first result comes at the shortest "
                               "delay unless the consumer waits for all; cancelled tasks release "
                               "at different speeds", height=0.45 * len(models) + 2.2)
    y = np.arange(len(models))
    waits = [w for w in WAIT_ORDER if any(p.get("wait") == w for p in pts)]
    height = 0.8 / len(waits)
    shades = dict(zip(waits, _shades(len(waits), 0.45)))
    for j, w in enumerate(waits):
        vals = []
        for m in models:
            p = next((q for q in pts if q.model == m and q.get("wait") == w), None)
            vals.append(p.v("first_result_ms") if p else np.nan)
        a1.barh(y + (j - (len(waits) - 1) / 2) * height, vals, height,
                color=[colour(m) for m in models], alpha=shades[w], edgecolor="black",
                linewidth=0.5)
    a1.set_yticks(y, models)
    a1.invert_yaxis()
    a1.set_xlim(left=0)
    a1.set_xlabel("time to the first result (ms)")
    a1.axvline(5, color="black", linestyle="--", linewidth=1)
    a1.annotate("shortest delay", (5, 1.0), xycoords=blended_transform_factory(
        a1.transData, a1.transAxes), xytext=(0, 2), textcoords="offset points", fontsize=7,
        ha="center", va="bottom", annotation_clip=False)
    rel = [(i, next((q for q in pts if q.model == m and q.get("wait") == "first"), None))
           for i, m in enumerate(models)]
    rel = [(i, p.v("released_ms") * 1000) for i, p in rel
           if p is not None and p.v("released_ms") is not None and p.v("released_ms") > 0]
    if rel:
        base = _log_base([v for _, v in rel])
        a2.barh([i for i, _ in rel], _log_bars([v for _, v in rel], base), left=base,
                color=[colour(models[i]) for i, _ in rel])
        a2.set_xscale("log")
        a2.set_xlim(left=base)
        _log_labels(a2, "x", _us)
    a2.set_yticks(y, [""] * len(models))   # the same rows as the left panel, named there
    a2.set_ylim(a1.get_ylim())
    a2.set_xlabel("first result → every cancelled task ended")
    a2.set_title("wait: first", fontsize=9)
    fig.tight_layout()
    fig.legend(handles=[Patch(facecolor="grey", alpha=shades[w], edgecolor="black",
                              linewidth=0.5, label=f"wait: {w}") for w in waits],
               loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(waits), frameon=False,
               fontsize=8, title="left panel: bars top to bottom, in each model's colour",
               title_fontsize=8)
    return _save(fig, outdir, stem + "scenario_fanout", "scenario_fanout", "fanout",
                 "fanout: first result per way of waiting, and the cancelled tasks' release")


def plot_errors(group, outdir, stem):
    pts = _ok(group, "errors")
    if not pts:
        return None
    models = _models_in(group, pts)
    cases = [("throw", 0), ("throw", 10), ("throw", 100), ("abort", 10), ("segv", 10)]
    cases = [c for c in cases if any(p.get("fail") == c[0] and p.get("fail_pct") == c[1] for p in pts)]
    fig, (ax,) = _figure(1, "Time per run as more tasks fail: every result and every error comes "
                            "back; a crashed worker process costs a new fork",
                         height=0.1 * len(models) * len(cases) + 2.2)
    fig.set_size_inches(8, fig.get_size_inches()[1])
    height = 0.8 / len(cases)
    shades = _shades(len(cases))
    grid = []
    for how, pct in cases:
        vals = []
        for m in models:
            p = next((q for q in pts if q.model == m and q.get("fail") == how and q.get("fail_pct") == pct), None)
            vals.append(p.v("wall_s") if p and p.v("wall_s") is not None else np.nan)
        grid.append(vals)
    base = _log_base([v for vals in grid for v in vals])
    y = np.arange(len(models))
    for j, ((how, pct), vals) in enumerate(zip(cases, grid)):
        ax.barh(y + (j - (len(cases) - 1) / 2) * height, _log_bars(vals, base), height,
                left=base, color=[colour(m) for m in models], alpha=shades[j],
                edgecolor="black", linewidth=0.5, hatch="//" if how != "throw" else None)
    ax.set_yticks(y, models)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(left=base)
    _log_labels(ax, "x", seconds)
    ax.set_xlabel("time per run (1,000 tasks)")
    fig.tight_layout()
    fig.legend(handles=[Patch(facecolor="grey", alpha=shades[j], edgecolor="black",
                              linewidth=0.5, hatch="//" if how != "throw" else None,
                              label=f"{how}, {pct} %") for j, (how, pct) in enumerate(cases)],
               loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(cases), frameon=False,
               fontsize=8, title="fail, fail_pct: bars top to bottom, in each model's colour",
               title_fontsize=8)
    return _save(fig, outdir, stem + "scenario_errors", "scenario_errors", "errors",
                 "errors: time per run by failure kind and share")


def plot_file(group, outdir, stem):
    pts = _ok(group, "file")
    if not pts:
        return None
    fig, (ax,) = _figure(1, "Write + read back + verify, per file size: io_uring on one loop against "
                            "blocking I/O on the workers", height=4.2)
    for m in _models_in(group, pts):
        mine = sorted((p for p in pts if p.model == m), key=lambda p: p.get("file_kib"))
        ax.plot([p.get("file_kib") * 1024 for p in mine], [p.v("bytes_per_second") for p in mine],
                color=colour(m), marker=marker(m), linestyle=dashes(m), label=m)
    ax.set_xscale("log", base=2)
    _byte_ticks(ax, "x")
    ax.set_xlabel("file size")
    ax.set_ylabel("bytes written + read per second")
    ax.set_ylim(bottom=0)
    _byte_rate_ticks(ax, "y")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, outdir, stem + "scenario_file", "scenario_file", "file",
                 "file: throughput per file size")


def _plot_load(group, outdir, stem, workload, title, peer=None, target_ms=10.0, **params):
    """Open loop: the rate each client achieved and its p99 latency against the rate offered
    (a Poisson schedule), one line per model; the peer tool's, where it ran at the same rates
    (pgbench -R), dashed in black; the latency target as a line."""
    pts = [p for p in _ok(group, workload, **params) if p.get("rate") and not p.get("depth")]
    if not pts:
        return None
    fig, (left, right) = _figure(2, title, height=4.2)
    lines = [(m, sorted((p for p in pts if p.model == m), key=lambda p: p.get("rate")))
             for m in _models_in(group, pts)]
    if peer:
        workload_peer, model_peer, rate_key, p99_key = peer
        mine = sorted((p for p in _ok(group, workload_peer, model_peer, **params) if p.get("rate")),
                      key=lambda p: (p.get("workers") or 0, p.get("rate")))
        for w in sorted({p.get("workers") for p in mine}, key=lambda v: v or 0):
            at = [p for p in mine if p.get("workers") == w]
            label = model_peer + (f" -j {w}" if w else "")
            left.plot([p.get("rate") for p in at], [p.v(rate_key) for p in at], color="black",
                      linestyle="--" if w in (None, 1) else ":", marker="x", label=label)
            right.plot([p.get("rate") for p in at], [p.v(p99_key) for p in at], color="black",
                       linestyle="--" if w in (None, 1) else ":", marker="x", label=label)
    for m, mine in lines:
        x = [p.get("rate") for p in mine]
        left.plot(x, [p.v("items_per_second") for p in mine], color=colour(m), marker=marker(m),
                  linestyle=dashes(m), label=m)
        right.plot(x, [p.v("lat_p99_us") for p in mine], color=colour(m), marker=marker(m),
                   linestyle=dashes(m), label=m)
    # Both rates on log axes: a sweep that doubles up to 40,000/s per core spans 2,000/s to
    # hundreds of thousands on many cores; the offered rate is then the diagonal.
    low, top = min(p.get("rate") for p in pts), max(p.get("rate") for p in pts)
    left.plot([low, top], [low, top], color="grey", linewidth=0.8, linestyle=":", label="offered")
    for ax in (left, right):
        ax.set_xscale("log")
        _log_labels(ax, "x", sig)
    left.set_yscale("log")
    _log_labels(left, "y", sig)
    left.set_xlabel("offered rate (per second)")
    left.set_ylabel("achieved rate (per second)")
    right.set_xlabel("offered rate (per second)")
    right.set_ylabel("p99 latency, from each request's due time")
    right.set_yscale("log")
    _log_labels(right, "y", _us)
    right.axhline(target_ms * 1000, color="black", linewidth=1)
    # Named outside the panel, at its right edge: inside, the name would lie on the lines.
    right.annotate(f"target {sig(target_ms)} ms", (1.0, target_ms * 1000),
                   xycoords=blended_transform_factory(right.transAxes, right.transData),
                   xytext=(3, 0), textcoords="offset points", fontsize=7, va="center",
                   annotation_clip=False)
    left.legend(fontsize=7)
    fig.tight_layout()  # the right panel's axis label clear of the left panel
    return _save(fig, outdir, stem + f"scenario_{workload}", f"scenario_{workload}", workload,
                 f"{workload}: throughput and p99 latency against the offered load")


def plot_http(group, outdir, stem):
    return _plot_load(group, outdir, stem, "http",
                      "Open loop against the embedded HTTP server (100 connections): what each "
                      "client carries, and its p99, as the load grows", concurrency=100)


def plot_db(group, outdir, stem):
    return _plot_load(group, outdir, stem, "db",
                      "Open loop against PostgreSQL (primary-key lookups, 16 connections): what "
                      "each client carries, and its p99, as the load grows; pgbench -R beside",
                      peer=("db.peer", "pgbench", "pgbench_tps", "pgbench_lat_p99_us"),
                      concurrency=16)


SCENARIO_PLOTS = {"loop.blocking": plot_loop_blocking, "spawn": plot_spawn, "fanout": plot_fanout,
                  "errors": plot_errors, "db": plot_db, "http": plot_http, "file": plot_file}


def make_scenario_plots(group, outdir, prefix=""):
    """{workload: PlotInfo} for every scenario this group measured."""
    out = {}
    use_styles(group)
    for w, draw in SCENARIO_PLOTS.items():
        info = draw(group, outdir, prefix)
        if info is not None:
            out[w] = info
    return out
