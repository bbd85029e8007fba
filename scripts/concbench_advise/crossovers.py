"""Where the answer flips: crossovers read from the sweeps of a stored run (the full suite's), around
the point asked. Each is a bracket between two measured points of the sweep, never a value
between them presented as measured, and "not bracketed by the measured range" where the sweep
never crosses. With repetitions in the stored run, a crossing whose two sides' runs overlap is
called within the noise.

  cpu    the task size below which a model stops reaching 90 % of the limit (every core busy),
         on the dispatch asked;
  waits  the concurrency above which a model falls under 90 % of the ideal, at the stored
         latency nearest the wait asked, with its memory per wait beside a loop's;
  mixed  the CPU per task (as a share of the wait) at which the lead between the best model
         at the asked point and each other model changes hands.
"""
import json
import math
import pathlib
import statistics

LIMIT = 0.9
PCT = "90 %"


def _parse(name):
    parts = name.split("/")
    params = {}
    for p in parts[2:]:
        if ":" in p:
            k, v = p.split(":", 1)
            params[k] = v
    return parts[0], parts[1], params


def load(path):
    """(context, {(workload, model, params-tuple): [entries]}) of a results file."""
    doc = json.loads(pathlib.Path(path).read_text())
    points = {}
    for b in doc.get("benchmarks", []):
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        w, m, params = _parse(b["name"])
        points.setdefault((w, m, tuple(sorted(params.items()))), []).append(b)
    return doc.get("context", {}), points


def _value(entries, get):
    vals = [v for v in (get(e) for e in entries) if v is not None]
    return (statistics.median(vals), min(vals), max(vals)) if vals else None


def _of_limit(e):
    if e.get("speedup") and e.get("cores"):
        return e["speedup"] / e["cores"]
    return e.get("efficiency")


def _series(points, workload, model, fixed, vary, get):
    """[(x, (median, low, high))] of `model`'s points of `workload` whose params include
    `fixed`, by the int value of `vary`."""
    out = []
    for (w, m, params), entries in points.items():
        p = dict(params)
        if w != workload or m != model or vary not in p or any(p.get(k) != str(v) for k, v in fixed.items()):
            continue
        v = _value(entries, get)
        if v:
            out.append((int(p[vary]), v))
    return sorted(out)


def _models(points, workload):
    return sorted({m for (w, m, _) in points if w == workload})


def _threshold_bracket(series, above_is_good=True):
    """Where a series crosses LIMIT: ("from", lo, hi) when it is below LIMIT up to lo and at
    or above it from hi on (x increasing); ("all", x0) when every point holds; ("none", xn)
    when none does; ("mixed", ...) otherwise."""
    ok = [(x, v[0] >= LIMIT) for x, v in series]
    if all(good for _, good in ok):
        return ("all", ok[0][0], ok[-1][0])
    if not any(good for _, good in ok):
        return ("none", ok[0][0], ok[-1][0])
    for i in range(1, len(ok)):
        if all(not g for _, g in ok[:i]) and all(g for _, g in ok[i:]):
            return ("rises", ok[i - 1][0], ok[i][0])
        if all(g for _, g in ok[:i]) and all(not g for _, g in ok[i:]):
            return ("falls", ok[i - 1][0], ok[i][0])
    return ("mixed", ok[0][0], ok[-1][0])


def _fmt(x, unit):
    return f"{x:,} {unit}"


def cpu(points, cores, dispatch):
    lines = []
    for m in _models(points, "cpu.spin"):
        fixed = {"dispatch": dispatch}
        s = _series(points, "cpu.spin", m, dict(fixed, workers=cores), "grain_us", _of_limit) or \
            _series(points, "cpu.spin", m, fixed, "grain_us", _of_limit)
        s = [(x, v) for x, v in s if v]
        if len(s) < 2:
            continue
        kind, a, b = _threshold_bracket(s)
        if kind == "rises":
            lines.append(f"`{m}` reaches {PCT} of the limit from between {_fmt(a, 'µs')} and {_fmt(b, 'µs')} "
                         f"per task ({dict(s)[a][0]:.2f} → {dict(s)[b][0]:.2f})")
        elif kind == "all":
            lines.append(f"`{m}` holds {PCT} down to {_fmt(a, 'µs')}, the smallest measured: not bracketed")
        elif kind == "none":
            lines.append(f"`{m}` stays under {PCT} up to {_fmt(b, 'µs')}, the largest measured: not bracketed")
    return lines


def _nearest(values, want):
    return min(values, key=lambda v: abs(math.log(v / want))) if values else None


def waits(points, wait_us, context=None):
    lats = sorted({int(dict(p)["latency_us"]) for (w, _, p) in points if w == "io.sleep" and "latency_us" in dict(p)})
    lat = _nearest(lats, wait_us)
    if lat is None:
        return [], None
    lines = []
    loops = {}
    kinds = (context or {}).get("concbench_model_kinds") or {}
    for m in _models(points, "io.sleep"):
        # A blocking model's own row has a worker per wait (the full suite's queueing rows, as
        # many workers as cores, are another question).
        blocking = isinstance(kinds.get(m), dict) and kinds[m].get("waits") == "blocking"
        own = (lambda e: _of_limit(e) if e.get("workers") == e.get("concurrency") else None) if blocking else _of_limit
        s = _series(points, "io.sleep", m, {"latency_us": lat}, "concurrency", own)
        if len(s) < 2:
            continue
        mem = dict(_series(points, "io.sleep", m, {"latency_us": lat}, "concurrency",
                           lambda e: e.get("rss_per_inflight_bytes") if own(e) is not None else None))
        loops[m] = mem
        kind, a, b = _threshold_bracket(s)
        if kind == "falls":
            lines.append(f"`{m}` falls under {PCT} of the ideal between {a:,} and {b:,} in flight "
                         f"({dict(s)[a][0]:.2f} → {dict(s)[b][0]:.2f})" + _mem(mem, a))
        elif kind == "all":
            lines.append(f"`{m}` holds {PCT} up to {b:,} in flight, the most measured: not bracketed" + _mem(mem, b))
        elif kind == "none":
            lines.append(f"`{m}` is under {PCT} from {a:,} in flight on")
    return lines, lat


def _mem(mem, c):
    v = mem.get(c)
    return f"; {v[0] / 1024:.3g} KiB per wait at {c:,}" if v else ""


def mixed(points, best):
    """Where the lead between `best` and each other model changes hands, along the stored
    mixed sweep's CPU per task (at its own concurrency and wait)."""
    lines = []
    tput = lambda e: e.get("items_per_second")  # noqa: E731
    sb = dict(_series(points, "mixed", best, {}, "grain_us", tput))
    lat = next((int(dict(p)["latency_us"]) for (w, m, p) in points if w == "mixed" and m == best), None)
    if not sb or not lat:
        return lines
    for m in _models(points, "mixed"):
        if m == best:
            continue
        so = dict(_series(points, "mixed", m, {}, "grain_us", tput))
        xs = sorted(set(sb) & set(so))
        lead = [(x, sb[x][0] >= so[x][0], sb[x][1] > so[x][2] or so[x][1] > sb[x][2]) for x in xs]
        for (x0, l0, _), (x1, l1, sure) in zip(lead, lead[1:]):
            if l0 != l1:
                who = best if l1 else m
                noise = "" if sure else " (within the runs' spread)"
                lines.append(f"`{who}` takes the lead over `{'%s' % (m if l1 else best)}` between {x0:,} and {x1:,} µs "
                             f"of CPU per task (W/L {x0 / lat:.2g} → {x1 / lat:.2g}){noise}")
    return lines
