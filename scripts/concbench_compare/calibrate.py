"""The gate's own error rates, measured on the machine it runs on (scripts/ab --calibrate K).

From a pool of runs of one binary (each a process of its own, as scripts/ab's rounds are), it
draws K A/A comparisons: each takes 2R runs per side (R rounds of A, B, B, A), drawn without
replacement from the pool, so that both sides are the same revision on the same machine and
every verdict of "regressed" or "improved" is a false one. Then the same draws with a slowdown
applied to side B's time and CPU for the benchmarks of the --inject-into models (2, 5, 10 and
20 % by default): the share of comparisons that flag each such benchmark is the gate's
detection rate for that effect. A slowdown applied to the measured values is not one the
engine paid (CONCBENCH_INJECT_SLOWDOWN builds that, scripts/ab --cmake-b): it measures what
the statistics can see through this machine's own noise, which is the gate's part.

Every comparison is scripts/compare's (U test, Hodges–Lehmann, Holm, the minimum effects), at
the rounds asked and at twice as many where the pool allows: the detection rate by rounds.
"""
import io
import json
import pathlib
import random
from contextlib import redirect_stdout

from .load import parse
from .settings import Settings

SCALED = ("real_time", "cpu_time", "cpu_user_s", "cpu_sys_s")


def _docs(paths):
    return [json.loads(pathlib.Path(p).read_text()) for p in paths]


def _merge(docs, factor=1.0, models=()):
    """One results document: every doc's benchmarks as repetitions; time and CPU of the
    benchmarks of `models` multiplied by `factor`."""
    merged = {"context": dict(docs[0]["context"]), "benchmarks": []}
    counts = {}
    for d in docs:
        for b in d["benchmarks"]:
            if b.get("run_type") == "aggregate":
                continue
            b = dict(b)
            k = counts.get(b["name"], 0)
            counts[b["name"]] = k + 1
            b.update(repetition_index=k, repetitions=len(docs))
            if factor != 1.0 and b["name"].split("/")[1] in models:
                for key in SCALED:
                    if isinstance(b.get(key), (int, float)):
                        b[key] *= factor
            merged["benchmarks"].append(b)
    return merged


def _compare(a, b, alpha, min_effect=None):
    from .decide import compare
    base = parse(json.dumps(a), "A", "baseline")
    cand = parse(json.dumps(b), "B", "candidate")
    settings = Settings(alpha=alpha)
    if min_effect is not None:
        settings.min_effect.update(time=min_effect, cpu=min_effect)
    with redirect_stdout(io.StringIO()):
        return compare(base, cand, settings)


def calibrate(paths, rounds, k, effects, models, alpha=0.05, seed=1, min_effect=None):
    """The measured rates (a dict, JSON-ready) from the runs at `paths` (one binary)."""
    docs = _docs(paths)
    rng = random.Random(seed)
    out = {"runs": len(docs), "rounds": [], "alpha": alpha, "models": list(models), "effects": list(effects),
           "comparisons": k, "min_effect": min_effect if min_effect is not None else Settings().min_effect["time"]}
    for r in (rounds, 2 * rounds):
        per_side = 2 * r
        if 2 * per_side > len(docs):
            continue
        draws = []
        for _ in range(k):
            pick = rng.sample(range(len(docs)), 2 * per_side)
            draws.append(([docs[i] for i in pick[:per_side]], [docs[i] for i in pick[per_side:]]))
        aa = {"false_regressions": 0, "false_improvements": 0, "comparisons_with_false_regression": 0,
              "too_noisy": 0, "tests": 0, "falsely_flagged": {}}
        for a, b in draws:
            rep = _compare(_merge(a), _merge(b), alpha, min_effect)
            flagged = [c for c in rep.comparisons if c.verdict in ("regressed", "improved")]
            aa["false_regressions"] += sum(c.verdict == "regressed" for c in flagged)
            aa["false_improvements"] += sum(c.verdict == "improved" for c in flagged)
            aa["comparisons_with_false_regression"] += any(c.verdict == "regressed" for c in flagged)
            aa["too_noisy"] += sum(c.verdict == "too noisy" for c in rep.comparisons)
            aa["tests"] += len(rep.comparisons)
            for c in flagged:
                key = f"{c.benchmark} {c.metric} {c.verdict}"
                aa["falsely_flagged"][key] = aa["falsely_flagged"].get(key, 0) + 1
        ab = {}
        for e in effects:
            found = {}
            for a, b in draws:
                rep = _compare(_merge(a), _merge(b, 1 + e / 100, models), alpha, min_effect)
                for c in rep.comparisons:
                    if c.metric == "time" and c.benchmark.split("/")[1] in models:
                        hit, cv = found.get(c.benchmark, (0, []))
                        found[c.benchmark] = (hit + (c.verdict == "regressed"),
                                              cv + [c.cv_baseline or 0.0])
            ab[str(e)] = {name: {"detected": hit, "of": k, "cv": sum(cv) / len(cv)}
                          for name, (hit, cv) in sorted(found.items())}
        out["rounds"].append({"rounds": r, "per_side": per_side, "aa": aa, "ab": ab})
    return out


def markdown(result, header):
    lines = [header, ""]
    for block in result["rounds"]:
        aa, k = block["aa"], result["comparisons"]
        wall = (f"; about {4 * block['rounds'] * result['seconds_per_run'] / 60:.1f} min of runs per comparison"
                if result.get("seconds_per_run") else "")
        lines += [f"### {block['rounds']} rounds ({block['per_side']} runs per side), {k} comparisons each, "
                  f"minimum effect {100 * result['min_effect']:g} %{wall}", "",
                  "| | measured |", "|---|---|",
                  f"| A/A: comparisons with a false regression | **{aa['comparisons_with_false_regression']} of {k}** "
                  f"(false regressions {aa['false_regressions']}, false improvements {aa['false_improvements']}, "
                  f"in {aa['tests']} tests) |",
                  f"| A/A: too noisy to tell | {aa['too_noisy']} of {aa['tests']} tests "
                  f"({100 * aa['too_noisy'] / max(1, aa['tests']):.1f} %) |"]
        for key, n in sorted(aa["falsely_flagged"].items()):
            lines.append(f"| A/A: flagged by chance | `{key}` in {n} of {k} |")
        for e, per in block["ab"].items():
            hits = [v["detected"] for v in per.values()]
            lines.append(f"| A/B, +{e} % into {', '.join(result['models'])} | found in "
                         + "; ".join(f"`{name}` {v['detected']}/{v['of']} (CV {100 * v['cv']:.1f} %)"
                                     for name, v in per.items())
                         + (" |" if hits else "no benchmark of these models |"))
        lines.append("")
    return "\n".join(lines)


def main(argv):
    """scripts/compare calibrate RUN.json... : the rates from a pool of runs of one binary."""
    import argparse
    import sys
    from . import deps
    from .load import InputError, load
    ap = argparse.ArgumentParser(prog="scripts/compare calibrate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="results files of one binary, one run each")
    ap.add_argument("--rounds", type=int, default=5, help="rounds per comparison (default 5)")
    ap.add_argument("--comparisons", type=int, default=20, help="A/A (and A/B per effect) comparisons (default 20)")
    ap.add_argument("--effects", default="2,5,10,20", help="slowdowns in %% (default 2,5,10,20)")
    ap.add_argument("--inject-into", default="threads", help="models to slow down, comma-separated (default threads)")
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--min-effect", type=float, default=None, metavar="FRACTION",
                    help="time and CPU minimum effect (default compare's, 0.05)")
    ap.add_argument("--seconds-per-run", type=float, default=None, help="for the wall time per comparison")
    ap.add_argument("--header", default="## The gate's error rates, measured", help="the Markdown's first line")
    ap.add_argument("--markdown", help="write the table to FILE")
    ap.add_argument("--json", help="write the rates to FILE")
    a = ap.parse_args(argv)
    try:
        effects = [float(x) for x in a.effects.split(",") if x]
    except ValueError:
        print(f"scripts/compare calibrate: --effects '{a.effects}': expected percentages, e.g. 2,5,10,20",
              file=sys.stderr)
        return 2
    if a.rounds < 1 or a.comparisons < 1 or not 0 < a.alpha < 1:
        print("scripts/compare calibrate: --rounds and --comparisons must be >= 1, --alpha in (0, 1)", file=sys.stderr)
        return 2
    if len(a.runs) < 4 * a.rounds:
        print(f"scripts/compare calibrate: {len(a.runs)} runs: {a.rounds} rounds per side need "
              f"{4 * a.rounds} at least (more give more distinct draws)", file=sys.stderr)
        return 2
    problem = deps.missing()
    if problem:
        print(f"scripts/compare calibrate: {deps.message(*problem)}", file=sys.stderr)
        return 2
    try:
        for k, p in enumerate(a.runs):
            load(p, f"run {k}")
    except InputError as e:
        print(f"scripts/compare calibrate: {e}", file=sys.stderr)
        return 2
    result = calibrate(a.runs, a.rounds, a.comparisons, effects,
                       tuple(m for m in a.inject_into.split(",") if m), a.alpha, min_effect=a.min_effect)
    result["seconds_per_run"] = a.seconds_per_run
    md = markdown(result, a.header)
    sys.stdout.write(md)
    if a.markdown:
        pathlib.Path(a.markdown).write_text(md)
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0
