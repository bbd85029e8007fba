"""concbench-py: the guide's own language. The C++ workloads' names, parameters and
checks in CPython, on asyncio, uvloop, threads and processes, written in Google Benchmark's JSON
schema with the C++ binary's counter names, so that scripts/report and scripts/compare read it
unchanged and put each Python model beside the C++ ones.

  /usr/bin/python3 -m concbench_py [--suite quick|full] [--out FILE] [--benchmark_filter RE]

(scripts/bench-python runs it with PYTHONPATH set; ./scripts/bench runs both arms.) Every
benchmark runs in a fresh interpreter, as pyperf's workers and the C++ binary's do. Exit
status: 0 all ran, 1 some failed (error entries in the file), 2 bad input, 74 the results file
could not be written (every result is then in $TMPDIR or /dev/shm, named on standard error),
128+N interrupted by signal N (SIGINT, SIGTERM, SIGHUP; the file keeps what finished)."""
import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time

from . import measure, models, scenarios, services, workloads

ALL = {**workloads.WORKLOADS, **{w.name: w for w in scenarios.WORKLOADS + services.WORKLOADS}}

SCHEMA = 2  # concbench_schema: the C++ binary's (bench/registration.cpp); a test keeps them equal
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


class BadInput(Exception):
    pass


# What --at can name, as the C++ binary's --at: each workload's parameters and their ranges.
AT = {"cpu.spin": {"grain_us": (1, 100_000)},
      "io.sleep": {"concurrency": (1, 100_000), "latency_us": (1, 1_000_000)},
      "mixed": {"concurrency": (1, 100_000), "latency_us": (1, 1_000_000), "grain_us": (1, 100_000)}}


def parse_at(text):
    """--at WORKLOAD/PARAM:VALUE/...: (workload, {param: value}) in the grid's order; BadInput."""
    workload, _, rest = text.partition("/")
    if workload not in AT:
        raise BadInput(f"--at '{text}': expected cpu.spin/..., io.sleep/... or mixed/..., e.g. "
                       "mixed/concurrency:32/latency_us:1000/grain_us:100")
    given = {}
    for item in filter(None, rest.split("/")):
        key, colon, value = item.partition(":")
        if not colon or key not in AT[workload]:
            raise BadInput(f"--at '{text}': '{item}' is not one of {workload}'s parameters (NAME:VALUE)")
        lo, hi = AT[workload][key]
        if not value.isdigit() or not lo <= int(value) <= hi:
            raise BadInput(f"--at '{text}': {key} '{value}': expected a whole number from {lo} to {hi}")
        given[key] = int(value)
    for key in AT[workload]:
        if key not in given:
            raise BadInput(f"--at '{text}': {workload} needs {key}:VALUE")
    return workload, {k: given[k] for k in AT[workload]}


def at_points(workload, model, cores, params):
    """The points of `model` at --at's params, shaped as its grid shapes them (workers: the
    cores for CPU work, one per wait for a blocking model's waits)."""
    sized = models.KINDS[model]["sized"]
    if workload == "cpu.spin":
        return [dict({"workers": cores} if sized else {}, dispatch=d, **params) for d in ("each", "map")]
    return [dict({"workers": params["concurrency"]} if sized else {}, **params)]


def names(suite, cores, at=None):
    """(name, workload, model, params) of every benchmark of `suite` (of --at's point only)."""
    out = []
    for w in ALL.values():
        if at and w.name != at[0]:
            continue
        for m in models.MODELS:
            for p in (at_points(at[0], m, cores, at[1]) if at else w.grid(suite, m, cores)):
                out.append((w.name + "/" + m + "".join(f"/{k}:{v}" for k, v in p.items()) + "/real_time",
                            w, m, p))
    return out


def git_revision():
    """As cmake/build_info.cmake writes it: 12 hex digits, "-dirty" when tracked files changed."""
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
        if not rev:
            return "unknown"
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


COUNTERS = {
    "items_per_second": ("1/s", "tasks completed per second"),
    "bytes_per_second": ("B/s", "ipc: payload bytes handed over per second"),
    "speedup": ("x", "cpu: the sequential reference's time over the model's"),
    "efficiency": ("", "cpu: speedup / min(workers, cores); io: the ideal makespan over the time"),
    "overhead_per_task_us": ("us", "cpu: (wall x min(workers, cores) - sequential time) / tasks"),
    "cpu_user_s": ("s", "user CPU per run, this process and its worker processes"),
    "cpu_sys_s": ("s", "system CPU per run, this process and its worker processes"),
    "cpu_per_item_us": ("us", "CPU (user + system) per task"),
    "ctx_voluntary": ("", "voluntary context switches per run"),
    "ctx_involuntary": ("", "involuntary context switches per run"),
    "peak_rss_bytes": ("B", "peak resident memory, this process plus its worker processes"),
    "rss_per_inflight_bytes": ("B", "io: memory growth per wait in flight"),
    "lat_p50_us": ("us", "io: median time of one wait"), "lat_p99_us": ("us", "io: 99th percentile"),
    "lat_max_us": ("us", "io: longest wait"), "lat_mean_us": ("us", "io: mean wait"),
    "peak_in_flight": ("", "io: most waits seen at once; else the most tasks handed over and not finished"), "concurrency": ("", "io: waits allowed at once"),
    "ideal_s": ("s", "io: the ideal makespan"), "reference_s": ("s", "cpu: the sequential reference's time"),
    "setup_s": ("s", "pool start and set-up, outside the timed runs"), "tasks": ("", "tasks per run"),
    "workers": ("", "the model's workers"), "cores": ("", "cores this process may use"),
}


def context(suite, cores, rate):
    kinds = {m: dict(models.KINDS[m]) for m in models.MODELS}
    lb = workloads.WORKLOADS["loop.blocking"]
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host_name": socket.gethostname(),
        "executable": sys.executable + " -m concbench_py",
        "num_cpus": os.cpu_count(),
        "mhz_per_cpu": 0,
        "cpu_scaling_enabled": False,
        "caches": [],
        "load_avg": list(os.getloadavg()),
        "library_build_type": "release",
        "concbench_schema": SCHEMA,
        "concbench_language": "python",
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "concbench_version": "0.1.0",
        "concbench_build_type": "Release",
        "concbench_git_revision": git_revision(),
        "concbench_suite": suite,
        "concbench_cores": cores,
        "concbench_isolation": "process: every benchmark in a fresh interpreter",
        "concbench_models": list(models.MODELS),
        "concbench_model_kinds": kinds,
        "concbench_workloads": list(ALL),
        "py_spin_iterations_per_us": rate,
        "concbench_counters": {k: {"unit": u, "meaning": m} for k, (u, m) in COUNTERS.items()},
        "concbench_scenarios": {"loop.blocking": {
            "question": lb.question,
            "figures": ["lag_us_p50", "lag_us_p99", "lag_us_max", "probe_ticks_per_s", "blocked_ms_mean"]},
            **{w.name: {"question": w.question, "figures": list(w.figures)} for w in scenarios.WORKLOADS}},
        "concbench_words": {"dispatch": ["each", "map"], "block": list(workloads.BLOCKS),
                            "wait": ["all", "each", "first"], "fail": ["throw", "abort", "segv"]},
    }


# ----------------------------------------------------------------- one benchmark (a child)

def run_one(name, suite, min_time, cores, at=None):
    found = [x for x in names(suite, cores, at) if x[0] == name]
    if not found:
        raise BadInput(f"--run-one '{name}': no such benchmark in the {suite} suite")
    _, w, model, p = found[0]
    entry = {"name": name, "run_name": name, "run_type": "iteration", "repetitions": 1,
             "repetition_index": 0, "threads": 1}
    try:
        return measure_one(entry, w, model, p, min_time, cores)
    except services.Skip as e:  # as the C++ harness skips: the reason and the fix
        entry.update({"error_occurred": True, "error_message": f"skipped: {name}: {e}"})
        return entry
    except Exception as e:  # an error entry, never a number
        entry.update({"error_occurred": True, "error_message": f"{name}: {type(e).__name__}: {e}"})
        return entry


def measure_one(entry, w, model, p, min_time, cores):
    ref = w.reference(p)
    ref_sum = measure.checksum(ref)
    reference_s = None
    if w.kind == "cpu":  # the sequential reference's time, by the same statistic (the mean)
        t, runs = 0.0, 0
        while runs == 0 or t < min_time:
            t0 = time.perf_counter()
            w.reference(p)
            t += time.perf_counter() - t0
            runs += 1
        reference_s = t / runs
    if hasattr(w, "prepare"):  # data the workers must inherit, before the pool forks
        w.prepare(model, p)
    t0 = time.perf_counter()
    workers = p.get("workers", 1)
    engine = models.make(model, workers)
    w.close = None
    try:
        run = w.setup(model, p, engine)
    except BaseException:
        if w.close:
            w.close()
        engine.close()
        raise
    setup_s = time.perf_counter() - t0
    if w.kind == "io" and p.get("rate"):
        # As the C++ harness: an open loop is measured after a run at the same rate, as
        # pgbench -R's window is after its first second; untimed, its figures dropped.
        try:
            warm = run()
            if warm.errors:
                raise RuntimeError("; ".join(warm.errors[:3]) + " (the open loop's warm-up run)")
        except BaseException:
            if w.close:
                w.close()
            engine.close()
            raise
    rss_before = measure.rss_bytes()
    pids = engine.pids()
    before = measure.Usage.now(pids)
    total, runs, lat, peak, figures, samples, error = 0.0, 0, [], 0, {}, {}, None
    try:
        while runs == 0 or total < min_time:
            t0 = time.perf_counter()
            b = run()
            dt = time.perf_counter() - t0
            total += dt
            runs += 1
            if b.errors:
                error = "; ".join(b.errors[:3])
            elif len(b.values) != len(ref):
                error = f"{len(b.values)} results, expected {len(ref)}"
            elif measure.checksum(b.values) != ref_sum:
                error = (f"checksum {measure.checksum(b.values)} != expected {ref_sum} "
                         "(the sequential reference's)")
            elif w.kind == "io":
                error = check_io(w, p, b, dt, model)
            if error:
                break
            lat += b.latencies_ns
            if b.intervals:
                peak = max(peak, measure.peak_overlap(b.intervals))
            for k, v in b.figures.items():
                figures.setdefault(k, []).append(v)
            for k, v in b.samples.items():
                samples.setdefault(k, []).extend(v)
        used = measure.Usage.now(pids) - before
        peak_rss = measure.hwm_bytes() + sum(measure.hwm_bytes(pid) for pid in pids)
    finally:
        if w.close:
            w.close()
        engine.close()
    if error:
        entry.update({"error_occurred": True, "error_message": f"{entry['name']}: {error}"})
        return entry
    per_run = total / runs
    n = len(ref)
    c = {"iterations": runs, "real_time": per_run * 1e3, "cpu_time": (used.user + used.sys) / runs * 1e3,
         "time_unit": "ms", "cores": float(cores), "workers": float(workers), "tasks": float(n),
         "setup_s": setup_s, "items_per_second": n / per_run,
         "cpu_user_s": used.user / runs, "cpu_sys_s": used.sys / runs,
         "cpu_per_item_us": (used.user + used.sys) / runs / n * 1e6,
         "ctx_voluntary": used.vol / runs, "ctx_involuntary": used.invol / runs,
         "peak_rss_bytes": float(peak_rss)}
    if hasattr(w, "bytes"):
        c["bytes_per_second"] = w.bytes(p) / per_run
    if w.kind == "cpu":  # as bench/harness.cpp: the limit is min(workers, cores)
        usable = min(workers, cores)
        c["reference_s"] = reference_s
        c["speedup"] = reference_s / per_run
        c["efficiency"] = c["speedup"] / usable
        c["overhead_per_task_us"] = (per_run * usable - reference_s) / n * 1e6
    if w.kind != "io" and engine.peak:
        c["peak_in_flight"] = float(engine.peak)
    if w.kind == "io":
        ideal = w.ideal(p)
        c.update({"ideal_s": ideal, "efficiency": ideal / per_run, "concurrency": float(p["concurrency"]),
                  "peak_in_flight": float(peak),
                  "rss_per_inflight_bytes": max(0, peak_rss - rss_before) / p["concurrency"]})
    if lat:
        s = sorted(x / 1e3 for x in lat)
        c.update({"lat_p50_us": measure.percentile(s, 0.5), "lat_p99_us": measure.percentile(s, 0.99),
                  "lat_max_us": s[-1], "lat_mean_us": sum(s) / len(s)})
    for k, v in figures.items():
        c[k] = max(v) if k.endswith("_max") else sum(v) / len(v)
    for k, v in samples.items():
        s = sorted(v)
        c.update({f"{k}_p50": measure.percentile(s, 0.5), f"{k}_p99": measure.percentile(s, 0.99),
                  f"{k}_max": s[-1]})
    entry.update(c)
    return entry


# libuv keeps its loop's time in whole milliseconds: uvloop's timers fire up to 1 ms before
# their time (seen: a 10 ms sleep after 9.88 ms). Its waits are checked against their length
# less that (at least half of it); a skipped wait still fails, as does the makespan check.
EARLY_NS = {"py_uvloop": 1_000_000}


def check_io(w, p, b, dt, model):
    length = w.wait_us(p) * 1000
    floor = max(length - EARLY_NS.get(model, 0), length // 2)
    for i, t in enumerate(b.latencies_ns):
        if t < floor:
            return (f"task {i} took {t / 1e3:.1f} us, less than its {w.wait_us(p)} us wait: the wait "
                    "was skipped or cut short")
    least = w.floor(p) if hasattr(w, "floor") else w.ideal(p)
    if dt < least * 0.999 - EARLY_NS.get(model, 0) * 1e-9:
        return f"the run took {dt:.6f} s, less than its least possible makespan {least:.6f} s"
    peak = measure.peak_overlap(b.intervals)
    if peak == 0 and (length > 0 or getattr(w, "always_waits", False)):
        return "no task was seen waiting (0 in flight): the waits were skipped"
    if peak > p["concurrency"]:
        return f"{peak} waits at once, more than the concurrency {p['concurrency']}"
    return None


# ----------------------------------------------------------------- the suite (the parent)

STOP = [0]


def on_signal(sig, _frame):
    STOP[0] = sig


def write_json(path, doc):
    """Atomically (a temporary file renamed): a crash or a full disk never leaves half a file."""
    tmp = path + ".tmp"
    try:
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def rescue_folders():
    """Where results go when --out cannot be written: $TMPDIR (or /tmp), then /dev/shm
    (memory: room when the disk is full), as the C++ binary's."""
    return [os.environ.get("TMPDIR") or "/tmp", "/dev/shm"]


class Results:
    """--out, written whole after every benchmark (bench/results_file.hpp's ResultsFile):
    where it cannot be, the same results go to a rescue copy, concbench-rescued-PID-NAME in
    the first of rescue_folders() that takes it, kept up to date while the file fails (a kill
    loses no more than with the file) and removed once the file is written again."""

    def __init__(self, path):
        self.path, self.rescued, self.written = path, None, False

    def write(self, doc):
        """Returns None, or the OSError of the file's write."""
        try:
            write_json(self.path, doc)
        except OSError as e:
            name = f"concbench-rescued-{os.getpid()}-{os.path.basename(self.path)}"
            to = None
            for folder in rescue_folders():
                with contextlib.suppress(OSError):
                    write_json(os.path.join(folder, name), doc)
                    to = os.path.join(folder, name)
                    break
            if self.rescued and self.rescued != to:
                with contextlib.suppress(OSError):
                    os.unlink(self.rescued)  # an older copy
            self.rescued = to
            return e
        self.written = True
        if self.rescued:
            with contextlib.suppress(OSError):
                os.unlink(self.rescued)
            self.rescued = None
        return None


def boolean(value):
    """A Google Benchmark boolean flag's value, as the C++ binary reads it: its words for true and
    false (no value: true); any other word is refused."""
    v = value.lower()
    if v in ("true", "t", "yes", "y", "on", "1"):
        return True
    if v in ("false", "f", "no", "n", "off", "0"):
        return False
    raise argparse.ArgumentTypeError(f"'{value}': expected true or false (or yes/no, on/off, 1/0; no value is true)")


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="concbench-py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Names: <workload>/<model>/<param>:<value>/.../real_time, as the C++ binary's, with "
               "the models py_asyncio, py_uvloop, py_threads and py_procs; e.g. "
               "cpu.spin/py_procs/workers:2/dispatch:map/grain_us:1000/real_time.")
    ap.add_argument("--suite", default="quick", help="quick (default) or full")
    ap.add_argument("--out", help="write the results (Google Benchmark JSON) to FILE, after every benchmark")
    ap.add_argument("--benchmark_filter", "--filter", default="", metavar="REGEX",
                    help="run only the benchmarks whose name matches REGEX (re.search)")
    ap.add_argument("--benchmark_list_tests", "--list", nargs="?", const=True, default=False, type=boolean,
                    metavar="BOOL", help="list the names and exit")
    ap.add_argument("--benchmark_min_time", type=float, default=None, metavar="S",
                    help="time each benchmark for at least S seconds (default 0.05 quick, 0.5 full)")
    ap.add_argument("--benchmark_repetitions", type=int, default=1, metavar="N",
                    help="run each benchmark N times, each in a process of its own (default 1); the "
                         "report takes their median and spread")
    ap.add_argument("--progress", default="auto", help="auto (stderr is a terminal), always or never")
    ap.add_argument("--at", metavar="POINT", help="only one point of one workload, on every model: "
                    "cpu.spin/grain_us:G, io.sleep/concurrency:C/latency_us:L or "
                    "mixed/concurrency:C/latency_us:L/grain_us:G (what scripts/advise measures)")
    ap.add_argument("--spin-rate", type=float, default=0.0, help=argparse.SUPPRESS)
    ap.add_argument("--run-one", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)  # an unknown flag: argparse's message and exit 2
    if a.suite not in ("quick", "full"):
        raise BadInput(f"--suite '{a.suite}': expected quick or full")
    if a.progress not in ("auto", "always", "never"):
        raise BadInput(f"--progress '{a.progress}': expected auto, always or never")
    a.at_point = parse_at(a.at) if a.at else None
    if a.benchmark_repetitions < 1:
        raise BadInput(f"--benchmark_repetitions '{a.benchmark_repetitions}': expected a whole number >= 1")
    if a.benchmark_min_time is not None and not a.benchmark_min_time > 0:
        raise BadInput("--benchmark_min_time: expected a positive number of seconds")
    try:
        re.compile(a.benchmark_filter)
    except re.error as e:
        raise BadInput(f"--benchmark_filter '{a.benchmark_filter}': not a regular expression ({e})") from None
    if a.out:
        d = os.path.dirname(os.path.abspath(a.out))
        if not os.path.isdir(d) or not os.access(d, os.W_OK):
            raise BadInput(f"--out '{a.out}': cannot write there")
    return a


def main(argv):
    a = parse_args(argv)
    cores = measure.available_cores()
    min_time = a.benchmark_min_time or (0.05 if a.suite == "quick" else 0.5)
    if a.run_one:
        workloads.SPIN_RATE[0] = a.spin_rate or workloads.calibrate()
        print(json.dumps(run_one(a.run_one, a.suite, min_time, cores, a.at_point)))
        return 0
    selected = [x for x in names(a.suite, cores, a.at_point) if re.search(a.benchmark_filter, x[0])]
    if not selected:
        raise BadInput(f"--benchmark_filter '{a.benchmark_filter}' matches none of the {a.suite} suite's names")
    if a.benchmark_list_tests:
        print("\n".join(x[0] for x in selected))
        return 0
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)  # a closed terminal or ssh session: as Ctrl-C
    rate = workloads.calibrate()
    doc = {"context": context(a.suite, cores, rate), "benchmarks": []}
    show = a.progress == "always" or (a.progress == "auto" and sys.stderr.isatty())
    failed, skipped, started = 0, 0, time.monotonic()
    write_failed = None  # the OSError of the last failed write of --out, while it fails
    results = Results(a.out) if a.out else None
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), os.environ.get("PYTHONPATH", "")])))
    reps = a.benchmark_repetitions
    runs = [(k, rep, x) for k, x in enumerate(selected) for rep in range(reps)]
    for done, (k, rep, (name, w, model, p)) in enumerate(runs):
        if STOP[0]:
            break
        if show:
            spent = time.monotonic() - started
            eta = f", about {spent / done * (len(runs) - done):.0f} s left" if done else ""
            again = f" (repetition {rep + 1} of {reps})" if reps > 1 else ""
            print(f"[{done + 1}/{len(runs)}] {name}{again}{eta}", file=sys.stderr, flush=True)
        child = subprocess.Popen([sys.executable, "-m", "concbench_py", "--run-one", name, "--suite", a.suite,
                                  f"--spin-rate={rate!r}", f"--benchmark_min_time={min_time!r}",
                                  *([f"--at={a.at}"] if a.at else [])],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                 start_new_session=True)
        while True:
            try:
                out, err = child.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if STOP[0]:
                    try:
                        os.killpg(child.pid, signal.SIGKILL)  # with its pool's workers
                    except ProcessLookupError:
                        pass
        if STOP[0]:
            break
        try:
            entry = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            entry = {"name": name, "run_name": name, "run_type": "iteration", "error_occurred": True,
                     "error_message": f"{name}: its process ended with status {child.returncode} and no "
                                      f"result: {err.strip()[-300:]}"}
        entry["family_index"] = k
        entry["per_family_instance_index"] = 0
        entry["repetitions"], entry["repetition_index"] = reps, rep
        doc["benchmarks"].append(entry)
        skipped_ = entry.get("error_occurred") and entry.get("error_message", "").startswith("skipped: ")
        skipped += bool(skipped_)
        failed += bool(entry.get("error_occurred")) and not skipped_
        line = entry["error_message"] if entry.get("error_occurred") else \
            f"{name}  {entry['real_time']:.3f} ms  items_per_second={entry['items_per_second']:.4g}"
        print(line, flush=True)
        if results:
            e = results.write(doc)
            if e and not write_failed:
                print(f"concbench-py: cannot write {a.out}: {e.strerror or e} (the run goes on; its results "
                      f"are kept {f'in {results.rescued} meanwhile' if results.rescued else 'in memory'} and written "
                      f"again after every benchmark)", file=sys.stderr)
            elif write_failed and not e:
                print(f"concbench-py: {a.out} written again", file=sys.stderr)
            write_failed = e
    # Once more (room may have been made), which also refreshes the rescue copy: never lost.
    lost = results.write(doc) if write_failed else None
    kept = results and not lost and results.written
    if STOP[0]:
        print(f"concbench-py: interrupted by {signal.Signals(STOP[0]).name}; {len(doc['benchmarks'])} "
              f"finished" + (f", kept in {a.out}" if kept else ""), file=sys.stderr)
    else:
        print(f"concbench-py: {len(doc['benchmarks'])} of {len(runs)} benchmarks ran, {failed} failed, "
              f"{skipped} skipped"
              + (f"; results in {a.out}" if kept else ""), file=sys.stderr)
    if lost and results.rescued:
        print(f"concbench-py: the results file {a.out} could not be written ({lost.strerror or lost}): "
              f"every result is in {results.rescued} instead", file=sys.stderr)
    elif lost:
        print(f"concbench-py: the results file {a.out} could not be written ({lost.strerror or lost}), "
              f"nor a copy in {' or '.join(rescue_folders())}: the results follow as JSON", file=sys.stderr)
        json.dump(doc, sys.stderr, indent=2)
        print(file=sys.stderr)
    if STOP[0]:
        return 128 + STOP[0]
    if lost:
        return 74
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BadInput as e:
        print(f"concbench-py: {e}", file=sys.stderr)
        print("Run 'concbench-py --help' for the flags and what they accept.", file=sys.stderr)
        sys.exit(2)
