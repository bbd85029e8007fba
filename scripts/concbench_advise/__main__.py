"""scripts/advise: your workload in, a measured answer out. It measures that exact point (the
CPU per task, the wait per task and how many are in flight) on every model that can run it,
with repetitions, in a process per run as every concbench run does, and answers: the model to
use, the runner-up and the margin with its spread, each model's throughput against the limit
(the ideal of the point: C tasks in flight, each waiting and computing), its CPU per task and
memory per task in flight. Nothing is extrapolated: the answer is the point measured.

Where a task only computes, the point is cpu.spin (grain_us = --cpu-us, on --dispatch); where it
only waits, io.sleep; where it does both, mixed (wait, then compute). The wait is a timer
(--wait-on timer) unless it is on a real service, started by the suite as every run starts it:
a socket (io.echo: a round trip to the embedded echo server, which answers after the wait), a
database (db: a query whose pg_sleep() makes PostgreSQL wait) or HTTP (http: a GET the embedded
server answers after the wait). Those three only wait (no --cpu-us) and are C++ only.

Exit status: 0 answered, 1 no model could run the point (every run an error), 2 bad input (the
valid range is named) or nothing built (./scripts/bench builds it).
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
BINARY = pathlib.Path(os.environ.get("CONCBENCH_BINARY") or ROOT / "build" / "release" / "concbench")
RANGES = {"cpu_us": (0, 100_000), "wait_us": (0, 1_000_000), "in_flight": (1, 100_000)}
# What a wait is on: the workload that measures it, its wait parameter, and the tasks it may
# hold in flight (one connection each).
WAITS = {"timer": ("io.sleep", "latency_us", (1, 100_000)),
         "socket": ("io.echo", "latency_us", (1, 10_000)),
         "db": ("db", "sleep_us", (1, 1_000)),
         "http": ("http", "delay_us", (1, 10_000))}


class BadInput(Exception):
    pass


def parser():
    p = argparse.ArgumentParser(prog="scripts/advise", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Examples:\n"
                                       "  scripts/advise --cpu-us 1 --dispatch map\n"
                                       "  scripts/advise --wait-us 100000 --in-flight 10000\n"
                                       "  scripts/advise --cpu-us 1000 --wait-us 1000 --in-flight 32 --lang python\n")
    p.add_argument("--cpu-us", type=int, default=0, help="CPU per task, in microseconds (0 to 100,000)")
    p.add_argument("--wait-us", type=int, default=0, help="wait per task, in microseconds (0 to 1,000,000)")
    p.add_argument("--wait-on", default="timer",
                   help="what a task waits on: timer (default), socket (an echo server's round trip), db "
                        "(a PostgreSQL query that sleeps) or http (a GET the server answers after the wait)")
    p.add_argument("--in-flight", type=int, default=1, help="tasks waiting at once (1 to 100,000; default 1)")
    p.add_argument("--dispatch", default="each",
                   help="each (tasks handed over one at a time, a server's shape; default) or map (a whole "
                        "range, a data job's shape); only for tasks that compute without waiting")
    p.add_argument("--lang", default="cpp", help="cpp (the C++ models; default) or python (asyncio, uvloop, "
                                                 "threads, processes)")
    p.add_argument("--cores", type=int, default=0, help="cores to run on (default: all this process may use)")
    p.add_argument("--repetitions", type=int, default=3, help="runs per model (default 3; 1 to 20)")
    p.add_argument("--max-workers", type=int, default=1000,
                   help="leave out the points whose model needs more workers than this (a blocking model "
                        "takes one thread or process per wait, and thousands of them take minutes per run); "
                        "default 1000")
    p.add_argument("--sweeps", metavar="RESULTS.json",
                   help="where the answer flips is read from this run's sweeps (default: results/latest.json "
                        "if it is a full suite's, else the committed reference, results/reference/full.json)")
    p.add_argument("--json", action="store_true", help="the answer as JSON on stdout, for machines")
    p.add_argument("--from", dest="source", metavar="RESULTS.json",
                   help="answer from these results (of this --at point) instead of measuring")
    return p


def check(a):
    for key, (lo, hi) in RANGES.items():
        v = getattr(a, key)
        if not lo <= v <= hi:
            raise BadInput(f"--{key.replace('_', '-')} {v}: expected a whole number from {lo:,} to {hi:,}")
    if a.cpu_us == 0 and a.wait_us == 0:
        raise BadInput("a task must compute (--cpu-us) or wait (--wait-us), or both")
    if a.wait_on not in WAITS:
        raise BadInput(f"--wait-on '{a.wait_on}': expected {', '.join(WAITS)}")
    if a.wait_on != "timer":
        if a.cpu_us:
            raise BadInput(f"--wait-on {a.wait_on} with --cpu-us: the suite's {WAITS[a.wait_on][0]} tasks only "
                           "wait; give --cpu-us 0, or --wait-on timer for a wait and then computing")
        if a.lang != "cpp":
            raise BadInput(f"--wait-on {a.wait_on}: the C++ models only (--lang cpp); the Python arm "
                           "measures timers here")
        lo, hi = WAITS[a.wait_on][2]
        if not lo <= a.in_flight <= hi:
            raise BadInput(f"--in-flight {a.in_flight} with --wait-on {a.wait_on}: expected {lo:,} to {hi:,} "
                           "(one connection per task in flight)")
    if a.dispatch not in ("each", "map"):
        raise BadInput(f"--dispatch '{a.dispatch}': expected each or map")
    if a.dispatch == "map" and a.wait_us:
        raise BadInput("--dispatch map: only for tasks that compute without waiting (a range handed over "
                       "at once); waiting tasks are handed over one at a time")
    if a.lang not in ("cpp", "python"):
        raise BadInput(f"--lang '{a.lang}': expected cpp or python")
    have = len(os.sched_getaffinity(0))
    if a.cores and not 1 <= a.cores <= have:
        raise BadInput(f"--cores {a.cores}: expected 1 to {have} (the cores this process may use)")
    if a.max_workers < 1:
        raise BadInput(f"--max-workers {a.max_workers}: expected a whole number >= 1")
    if not 1 <= a.repetitions <= 20:
        raise BadInput(f"--repetitions {a.repetitions}: expected 1 to 20")


def point(a):
    """--at's point for the workload, and a filter for the dispatch."""
    if a.wait_us == 0:
        return f"cpu.spin/grain_us:{a.cpu_us}", f"/dispatch:{a.dispatch}/"
    if a.cpu_us == 0:
        workload, param, _ = WAITS[a.wait_on]
        return f"{workload}/concurrency:{a.in_flight}/{param}:{a.wait_us}", ""
    return f"mixed/concurrency:{a.in_flight}/latency_us:{a.wait_us}/grain_us:{a.cpu_us}", ""


def measure(a, at, flt, out):
    """The results of the point's benchmarks (those within --max-workers), and the left out
    ones: {model: why}."""
    if a.lang == "cpp":
        if not BINARY.exists():
            raise BadInput(f"{BINARY} is not built: ./scripts/bench builds it (or cmake --preset release && "
                           "cmake --build --preset release --target concbench)")
        base = [str(BINARY), f"--at={at}"]
    else:
        base = [str(ROOT / "scripts" / "bench-python"), f"--at={at}"]
    listed = subprocess.run(base + ["--benchmark_list_tests"] + ([f"--benchmark_filter={flt}"] if flt else []),
                            capture_output=True, text=True)
    if listed.returncode != 0:
        raise BadInput(f"{' '.join(base)} refused the point: {listed.stderr.strip()}")
    names, left = [], {}
    for name in listed.stdout.split():
        workers = next((int(x.split(":")[1]) for x in name.split("/") if x.startswith("workers:")), 0)
        if workers > a.max_workers:
            left[name.split("/")[1]] = (f"{workers:,} workers (one per wait) > --max-workers {a.max_workers:,}; "
                                        f"--max-workers {workers} measures it (minutes per run)")
        else:
            names.append(name)
    if not names:
        return {"benchmarks": []}, left
    only = "^(" + "|".join(re.escape(n.removesuffix("/real_time")) for n in names) + ")(/real_time)?$"
    cmd = base + [f"--benchmark_repetitions={a.repetitions}", "--out", str(out), f"--benchmark_filter={only}",
                  "--progress=always"]
    cores = sorted(os.sched_getaffinity(0))[:a.cores] if a.cores else None
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=None if not a.json else subprocess.DEVNULL,
                       preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None)
    if r.returncode == 2:
        raise BadInput(f"{' '.join(cmd)} refused its arguments (exit status 2)")
    if r.returncode >= 128:
        raise KeyboardInterrupt
    return json.loads(out.read_text()), left


def _median(v):
    return statistics.median(v) if v else None


def _of_limit(b):
    """The run's share of the point's limit: CPU work against every core busy (speedup over
    the cores, whatever the model's workers), waits against the point's ideal (efficiency)."""
    if b.get("speedup") and b.get("cores"):
        return b["speedup"] / b["cores"]
    return b.get("efficiency")


def summarize(doc):
    """Per model: its throughput (median, lowest, highest over the runs), efficiency, CPU per
    task and memory per task in flight; and the models whose runs failed, with why."""
    per, failed = {}, {}
    for b in doc["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        model = b["name"].split("/")[1]
        if b.get("error_occurred"):
            failed.setdefault(model, b.get("error_message", "error"))
            continue
        per.setdefault(model, []).append(b)
    out = {}
    for model, runs in per.items():
        if model in failed:
            continue
        tput = [b["items_per_second"] for b in runs if b.get("items_per_second")]
        if not tput:
            continue
        out[model] = {
            "name": runs[0]["name"], "runs": len(tput), "throughput": _median(tput), "lowest": min(tput),
            "highest": max(tput), "efficiency": _median([_of_limit(b) for b in runs if _of_limit(b) is not None]),
            "cpu_per_task_us": _median([b["cpu_per_item_us"] for b in runs if "cpu_per_item_us" in b]),
            "memory_per_in_flight_bytes": _median([b["rss_per_inflight_bytes"] for b in runs
                                                   if "rss_per_inflight_bytes" in b]),
            "peak_rss_bytes": _median([b["peak_rss_bytes"] for b in runs if "peak_rss_bytes" in b])}
    return out, failed


def decide(models):
    """(ranking, recommended, runner-up, margin, tie): by median throughput; two models tie
    when their runs' ranges overlap, and among those that tie with the best, the one with the
    least CPU per task is recommended."""
    ranking = sorted(models, key=lambda m: -models[m]["throughput"])
    if not ranking:
        return [], None, None, None, []
    best = models[ranking[0]]
    tie = [m for m in ranking if models[m]["highest"] >= best["lowest"]]
    if len(tie) > 1:
        pick = min(tie, key=lambda m: models[m]["cpu_per_task_us"] or float("inf"))
    else:
        pick = ranking[0]
    rest = [m for m in ranking if m != pick]
    runner = rest[0] if rest else None
    margin = None
    if runner:
        r, w = models[runner], models[pick]
        margin = {"median": w["throughput"] / r["throughput"] - 1, "lowest": w["lowest"] / r["highest"] - 1,
                  "highest": w["highest"] / r["lowest"] - 1}
    return ranking, pick, runner, margin, tie


def si(v, unit=""):
    for f, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= f:
            return f"{v / f:.3g} {p}{unit}"
    return f"{v:.3g} {unit}".rstrip()


def us(v):
    """Microseconds as µs, ms or s."""
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.3g} s"
    return f"{v / 1e3:.3g} ms" if v >= 1e3 else f"{v:.3g} µs"


def size(b):
    if b is None:
        return "—"
    for f, p in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if b >= f:
            return f"{b / f:.3g} {p}"
    return f"{b:.0f} B"


def describe(a, cores):
    parts = []
    if a.cpu_us:
        parts.append(f"{a.cpu_us:,} µs of CPU")
    if a.wait_us:
        parts.append(f"a {a.wait_us:,} µs wait ({a.wait_on})")
    shape = "a whole range handed over" if a.dispatch == "map" else "handed over one at a time"
    inflight = f", {a.in_flight:,} in flight" if a.wait_us else ""
    return (f"{' and '.join(parts)} per task{inflight}, {shape}, "
            f"{'Python' if a.lang == 'python' else 'C++'} on {cores} core{'s' if cores > 1 else ''}")


def text(a, at, models, failed, answer, seconds, cores):
    ranking, pick, runner, margin, tie = answer
    lines = [f"concbench advise: {describe(a, cores)}",
             f"measured {at} on {len(models)} model{'s' if len(models) != 1 else ''}"
             + (f", {max(m['runs'] for m in models.values())} runs each" if models else "")
             + (f" ({seconds:.0f} s)" if seconds else ""), ""]
    if not pick:
        lines.append("No model could run this point: " + "; ".join(f"{m}: {w}" for m, w in failed.items()))
        return "\n".join(lines) + "\n"
    w = models[pick]
    eff = f" ({w['efficiency']:.2f} of the limit)" if w["efficiency"] else ""
    if len(tie) > 1:
        lines.append(f"Use {pick}: {si(w['throughput'], 'tasks/s')}{eff}; it ties with "
                     f"{', '.join(m for m in tie if m != pick)} (their runs overlap) and takes the least CPU per "
                     f"task among them ({us(w['cpu_per_task_us'])}).")
    elif runner:
        lines.append(f"Use {pick}: {si(w['throughput'], 'tasks/s')}{eff}, {100 * margin['median']:+.0f} % over "
                     f"{runner} ({si(models[runner]['throughput'], 'tasks/s')}; across the runs "
                     f"{100 * margin['lowest']:+.0f} % to {100 * margin['highest']:+.0f} %).")
    else:
        lines.append(f"Use {pick}: {si(w['throughput'], 'tasks/s')}{eff}; the only model that ran.")
    lines += ["", f"{'model':<16} {'tasks/s (lowest–highest)':<28} {'of limit':>8} {'CPU/task':>10} "
                  f"{'memory/in flight':>17}"]
    for m in ranking:
        s = models[m]
        tput = f"{si(s['throughput'])} ({si(s['lowest'])}–{si(s['highest'])})"
        eff = f"{s['efficiency']:.2f}" if s["efficiency"] else "—"
        cpu = us(s["cpu_per_task_us"])
        lines.append(f"{m:<16} {tput:<28} {eff:>8} {cpu:>10} {size(s['memory_per_in_flight_bytes']):>17}")
    for m, why in failed.items():
        lines.append(f"{m:<16} not measured: {why}")
    short = [m for m in ranking if a.cpu_us >= 50 and models[m]["cpu_per_task_us"]
             and models[m]["cpu_per_task_us"] < 0.8 * a.cpu_us]
    if short:
        lines += ["", f"Warning: {', '.join(short)} used less CPU per task than the {a.cpu_us:,} µs asked "
                      f"({', '.join(us(models[m]['cpu_per_task_us']) for m in short)}): the run's calibration "
                      "of the work (iterations per µs, measured at its start) was off, most likely because "
                      "something else ran then; the answer may be wrong: run it again on a quiet machine."]
    lines += ["", "The limit: the point's ideal (all cores busy for CPU work; C tasks in flight, each its wait "
                  "and its CPU, for waits). Memory per task in flight: the benchmark's peak RSS over the run's "
                  "start, per task in flight (the kernel's own memory not included)."]
    return "\n".join(lines) + "\n"


def sweeps_file(a):
    if a.sweeps:
        return pathlib.Path(a.sweeps)
    latest = ROOT / "results" / "latest.json"
    try:
        if json.loads(latest.read_text())["context"].get("concbench_suite") == "full":
            return latest
    except (OSError, ValueError, KeyError):
        pass
    return ROOT / "results" / "reference" / "full.json"


def flips(a, cores, best):
    """(source line, [crossover lines]) from the stored run's sweeps, or (None, [])."""
    from . import crossovers
    path = sweeps_file(a)
    if a.lang == "python" or not path.exists():
        return None, []
    ctx, points = crossovers.load(path)
    runs = max((len(v) for v in points.values()), default=0)
    source = (f"from {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
              f"({ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs, {str(ctx.get('date', '?'))[:10]}, "
              f"{runs} run{'s' if runs != 1 else ''} per point"
              + ("; the machine differs from this one's" if ctx.get("num_cpus") != os.cpu_count() else "") + ")")
    if a.wait_us == 0:
        return source, crossovers.cpu(points, cores, a.dispatch)
    if a.wait_on != "timer":
        return source, [f"not computed for {a.wait_on} waits: the stored run's sweeps of waits are timers' "
                        "(io.sleep), and a crossover from them would not be this wait's"]
    if a.cpu_us == 0:
        lines, lat = crossovers.waits(points, a.wait_us, ctx)
        if lat and lat != a.wait_us:
            source += f"; at its nearest wait, {lat:,} µs"
        return source, lines
    return source, crossovers.mixed(points, best) if best else []


def main(argv=None):
    a = parser().parse_args(argv)
    try:
        check(a)
        at, flt = point(a)
        cores = a.cores or len(os.sched_getaffinity(0))
        started = time.monotonic()
        if a.source:
            doc = json.loads(pathlib.Path(a.source).read_text())
            seconds, left = 0, {}
            workload, *params = at.split("/")
            other = [b["name"] for b in doc.get("benchmarks", []) if b["name"].split("/")[0] != workload
                     or not all(f"/{kv}/" in b["name"] for kv in params) or (flt and flt not in b["name"])]
            if other or not doc.get("benchmarks"):
                raise BadInput(f"--from {a.source}: {'its benchmark ' + other[0] if other else 'no benchmarks'}: "
                               f"not this point ({at}); scripts/advise answers from a run of the point asked")
        else:
            with tempfile.TemporaryDirectory(prefix="concbench-advise-") as d:
                doc, left = measure(a, at, flt, pathlib.Path(d) / "advise.json")
            seconds = time.monotonic() - started
    except BadInput as e:
        print(f"scripts/advise: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"scripts/advise: {e}", file=sys.stderr)
        return 2
    models, failed = summarize(doc)
    failed.update(left)
    try:
        source, flip = flips(a, cores, decide(models)[1])
    except (OSError, ValueError) as e:
        source, flip = f"not read: {e}", []
    answer = decide(models)
    ranking, pick, runner, margin, tie = answer
    if a.json:
        json.dump({"point": at, "workload": describe(a, cores), "recommended": pick, "runner_up": runner,
                   "margin": margin, "tie": tie if len(tie) > 1 else [], "ranking": ranking, "models": models,
                   "not_measured": failed, "seconds": seconds, "flips": {"source": source, "crossovers": flip},
                   "short_of_cpu": [m for m in ranking if a.cpu_us >= 50 and models[m]["cpu_per_task_us"]
                                    and models[m]["cpu_per_task_us"] < 0.8 * a.cpu_us]},
                  sys.stdout, indent=1)
        print()
    else:
        sys.stdout.write(text(a, at, models, failed, answer, seconds, cores))
        if source:
            sys.stdout.write(f"\nWhere the answer flips, {source}:\n"
                             + ("".join(f"- {line}\n" for line in flip) or "- no crossing in the stored sweeps\n"))
    return 0 if pick else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("scripts/advise: interrupted; no answer", file=sys.stderr)
        sys.exit(130)
