"""scripts/compare history FILE... : change points in a series of results files of one branch
(CI's artifacts, oldest first), per benchmark and metric, found as MongoDB's and Apache
Otava's (Hunter's) detection finds them: E-divisive means splits each series where the
distributions before and after differ most (Matteson and James 2014, energy distance, α = 1),
a Welch t-test between the two sides keeps a split when p < --max-pvalue (default 0.001, as
Hunter's), and the search recurses into both sides (binary segmentation), each split re-tested
between its neighbours at the end. A change smaller than the metric's minimum effect (compare's:
time 5 %) is not reported.

The machine's floors (context concbench_floors: a thread switch, a fork, a co_spawn...) are each
run's fingerprint. Where at least --floors-moved of them (default 2) moved at the same place (a
Welch t-test on each floor's series, p < --floor-pvalue, default 0.05, and a change of at least
--floor-effect, default 5 %), the change is the machine's, and is reported as "the machine
changed", never as the code's regression. A floor is measured once per run, so this test is
looser than the benchmarks': a machine that moved is easier to call than a regression
(docs/regression-gate.md has the runs that chose it).

Output: Markdown on stdout (and in --markdown FILE), the change points in --json FILE.
Exit status: 0 no regression of the code, 1 one or more, 2 bad input (fewer than 2*MIN_RUNS
files, a file that is not concbench's, mixed suites or core counts)."""
import argparse
import json
import math
import pathlib
import statistics
import sys

from . import deps
from .load import InputError, load
from .settings import DEFAULT_MIN_EFFECT

MIN_RUNS = 4  # the fewest runs on either side of a change point
METRICS = ("time", "cpu", "rss")


# ---- E-divisive means --------------------------------------------------------------------------

def _pair_sums(x):
    """S[i][j] = sum of |x_a - x_b| over a < b, a, b in [i, j): for every segment at once."""
    n = len(x)
    s = [[0.0] * (n + 1) for _ in range(n + 1)]
    for i in range(n):
        row = s[i]
        for j in range(i + 1, n):
            # pairs in [i, j+1) = pairs in [i, j) + pairs (a, j) for a in [i, j)
            row[j + 1] = row[j] + sum(abs(x[a] - x[j]) for a in range(i, j))
    return s


def e_divisive_split(x, lo, hi, sums, min_size=MIN_RUNS):
    """(tau, q): the split of x[lo:hi] that maximises the E-divisive statistic (Matteson and
    James's Q-hat with alpha = 1), each side at least min_size long; (None, 0) if none."""
    best, best_q = None, 0.0
    for tau in range(lo + min_size, hi - min_size + 1):
        m, k = tau - lo, hi - tau
        within_a = sums[lo][tau] * 2.0 / (m * (m - 1)) if m > 1 else 0.0
        within_b = sums[tau][hi] * 2.0 / (k * (k - 1)) if k > 1 else 0.0
        between = (sums[lo][hi] - sums[lo][tau] - sums[tau][hi]) * 2.0 / (m * k)
        q = m * k / (m + k) * (between - within_a - within_b)
        if q > best_q:
            best, best_q = tau, q
    return best, best_q


def welch(a, b):
    """Two-sided Welch t-test p value of a against b; 1.0 when it cannot be computed, 0.0 for
    two constant sides that differ."""
    from scipy import stats as sps
    if len(a) < 2 or len(b) < 2:
        return 1.0
    if max(a) == min(a) and max(b) == min(b):
        return 1.0 if a[0] == b[0] else 0.0
    p = sps.ttest_ind(a, b, equal_var=False).pvalue
    return float(p) if math.isfinite(p) else 1.0


def _median(v):
    return statistics.median(v)


def change_points(x, max_p, min_effect, min_size=MIN_RUNS):
    """The change points of series x, sorted: each an index tau (the first run after the
    change) whose sides, between its neighbouring change points, differ by a Welch t-test at
    p < max_p and whose medians differ by at least min_effect (relative)."""
    n = len(x)
    if n < 2 * min_size:
        return []
    sums = _pair_sums(x)

    def significant(lo, tau, hi):
        a, b = x[lo:tau], x[tau:hi]
        ma = _median(a)
        effect = abs(_median(b) / ma - 1) if ma else math.inf
        return welch(a, b) < max_p and effect >= min_effect

    found = []
    todo = [(0, n)]
    while todo:
        lo, hi = todo.pop()
        tau, _ = e_divisive_split(x, lo, hi, sums, min_size)
        if tau is not None and significant(lo, tau, hi):
            found.append(tau)
            todo += [(lo, tau), (tau, hi)]
    # Each kept only if it still holds between its final neighbours (Hunter's re-test).
    found.sort()
    while True:
        bounds = [0] + found + [n]
        keep = [t for i, t in enumerate(found) if significant(bounds[i], t, bounds[i + 2])]
        if keep == found:
            return found
        found = keep


# ---- the series ---------------------------------------------------------------------------------

def _metric_value(metric, entries):
    """The median over a file's repetitions of `metric`, or None."""
    from .decide import extract
    got = extract(metric, entries, entries)
    return _median(got[2]) if got else None


def series(runs):
    """{(benchmark, metric): [value or None per run]} over benchmarks measured in every run."""
    names = [n for n in runs[0].samples if all(n in r.samples for r in runs)]
    out = {}
    for name in names:
        for metric in METRICS:
            vals = [_metric_value(metric, r.samples[name]) for r in runs]
            if all(v is not None and v > 0 for v in vals):
                out[(name, metric)] = vals
    return out


def floors(runs):
    """{floor: [value per run]} for the floors every run measured."""
    per = []
    for r in runs:
        f = r.context.get("concbench_floors")
        per.append({k: v.get("value") for k, v in f.items() if isinstance(v, dict)}
                   if isinstance(f, dict) else {})
    names = [k for k in per[0] if all(isinstance(p.get(k), (int, float)) and p[k] > 0 for p in per)]
    return {k: [float(p[k]) for p in per] for k in names}


def machine_moved(floor_series, lo, tau, hi, floor_p, floor_effect, floors_needed=2):
    """The floors that moved at tau (between lo and hi): [(floor, relative change)], empty
    unless at least floors_needed did."""
    moved = []
    for name, v in floor_series.items():
        a, b = v[lo:tau], v[tau:hi]
        ma = _median(a)
        change = _median(b) / ma - 1 if ma else 0.0
        if abs(change) >= floor_effect and welch(a, b) < floor_p:
            moved.append((name, change))
    return moved if len(moved) >= min(floors_needed, len(floor_series)) else []


def detect(runs, max_p=0.001, min_effect=None, floor_effect=0.05, floor_p=0.05, floors_needed=2):
    """Every change point: dicts with the benchmark, metric, run index, before and after
    medians, change, p value and verdict (regression, improvement, machine changed)."""
    min_effect = dict(DEFAULT_MIN_EFFECT, **(min_effect or {}))
    fl = floors(runs)
    out = []
    for (name, metric), x in series(runs).items():
        points = change_points(x, max_p, min_effect[metric])
        bounds = [0] + points + [len(x)]
        for i, tau in enumerate(points):
            lo, hi = bounds[i], bounds[i + 2]
            before, after = _median(x[lo:tau]), _median(x[tau:hi])
            change = after / before - 1
            moved = machine_moved(fl, lo, tau, hi, floor_p, floor_effect, floors_needed)
            verdict = ("machine changed" if moved else "regression" if change > 0 else "improvement")
            out.append({"benchmark": name, "metric": metric, "run": tau, "file": runs[tau].path,
                        "revision": runs[tau].context.get("concbench_git_revision"),
                        "date": runs[tau].context.get("date"), "runs_before": tau - lo,
                        "runs_after": hi - tau, "before": before, "after": after,
                        "change": change, "p": welch(x[lo:tau], x[tau:hi]), "verdict": verdict,
                        "floors_moved": [{"floor": f, "change": c} for f, c in moved]})
    out.sort(key=lambda c: (c["run"], c["benchmark"], c["metric"]))
    return out, fl


# ---- output -------------------------------------------------------------------------------------

def _pct(x):
    return f"{x * 100:+.1f} %"


def markdown(runs, points, fl, max_p):
    lines = ["# concbench history: change points", ""]
    regressions = [c for c in points if c["verdict"] == "regression"]
    machine = [c for c in points if c["verdict"] == "machine changed"]
    n = len(series(runs))
    if regressions:
        first = regressions[0]
        lines.append(f"**{len(regressions)} regression(s) of the code** in {len(runs)} runs; the first "
                     f"at run {first['run']} ({first['file']}): `{first['benchmark']}` {first['metric']} "
                     f"{_pct(first['change'])}.")
    else:
        lines.append(f"**No regression of the code** in {len(runs)} runs ({n} series of benchmark × metric).")
    if machine:
        lines.append(f"{len(machine)} change(s) came with the machine's floors moving at the same run: "
                     "the machine changed, not the code.")
    lines += ["", "| run | file | benchmark | metric | before → after | change | p | verdict |",
              "|---:|---|---|---|---|---:|---:|---|"]
    for c in points:
        why = c["verdict"]
        if c["floors_moved"]:
            why += " (" + ", ".join(f"{f['floor']} {_pct(f['change'])}" for f in c["floors_moved"]) + ")"
        lines.append(f"| {c['run']} | {pathlib.Path(c['file']).name} | `{c['benchmark']}` | {c['metric']} | "
                     f"{c['before']:.4g} → {c['after']:.4g} | {_pct(c['change'])} | {c['p']:.2g} | {why} |")
    if not points:
        lines.append("| | | (none) | | | | | |")
    lines += ["", f"Method: E-divisive means (energy distance, α = 1) splits each series; a split is "
                  f"kept when a Welch t-test between its sides gives p < {max_p:g} and the medians differ "
                  f"by at least the metric's minimum effect; at least {MIN_RUNS} runs on each side. At each "
                  f"change point the floors ({', '.join(fl) or 'none in these files'}) are tested too: where "
                  "enough of them moved, the machine changed."]
    return "\n".join(lines) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(prog="scripts/compare history", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="results files of one branch, oldest first")
    ap.add_argument("--max-pvalue", type=float, default=0.001,
                    help="keep a change point when the t-test's p is below this (default 0.001)")
    ap.add_argument("--floor-effect", type=float, default=0.05,
                    help="a floor moved when it changed by this much (relative, default 0.05)...")
    ap.add_argument("--floor-pvalue", type=float, default=0.05,
                    help="...with a t-test's p below this (default 0.05)")
    ap.add_argument("--floors-moved", type=int, default=2,
                    help="the machine changed where at least this many floors moved (default 2)")
    ap.add_argument("--markdown", help="also write the Markdown to FILE")
    ap.add_argument("--json", help="write the change points as JSON to FILE")
    a = ap.parse_args(argv)
    if not 0 < a.max_pvalue < 1:
        print("scripts/compare history: --max-pvalue: expected a number between 0 and 1", file=sys.stderr)
        return 2
    if len(a.files) < 2 * MIN_RUNS:
        print(f"scripts/compare history: {len(a.files)} files: a change point needs at least {MIN_RUNS} "
              f"runs on each side ({2 * MIN_RUNS} files, oldest first)", file=sys.stderr)
        return 2
    problem = deps.missing()
    if problem:
        print(f"scripts/compare history: {deps.message(*problem)}", file=sys.stderr)
        return 2
    try:
        runs = [load(f, f"run {k}") for k, f in enumerate(a.files)]
        for key in ("concbench_suite", "concbench_cores"):
            seen = {str(r.context.get(key)) for r in runs}
            if len(seen) > 1:
                raise InputError(f"the files differ in {key} ({', '.join(sorted(seen))}): a history is "
                                 "one suite on one kind of machine")
        if not series(runs):
            raise InputError("no benchmark was measured in every file")
    except InputError as e:
        print(f"scripts/compare history: {e}", file=sys.stderr)
        return 2
    points, fl = detect(runs, a.max_pvalue, floor_effect=a.floor_effect, floor_p=a.floor_pvalue,
                        floors_needed=a.floors_moved)
    md = markdown(runs, points, fl, a.max_pvalue)
    sys.stdout.write(md)
    if a.markdown:
        pathlib.Path(a.markdown).write_text(md)
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(
            {"runs": [r.path for r in runs], "max_pvalue": a.max_pvalue, "floors": list(fl),
             "change_points": points}, indent=2) + "\n")
    return 1 if any(c["verdict"] == "regression" for c in points) else 0
