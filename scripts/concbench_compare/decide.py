"""Decide: pair the benchmarks of two Runs, check that a verdict can mean something, test every
benchmark x metric, correct for their number and give each a verdict. Plain data out (Report);
nothing here prints.

A change counts only when it is both significant after the correction and larger than the
minimum effect for that metric and benchmark:
  regressed   adjusted p <= alpha and worse than the minimum effect (point estimate)
  improved    adjusted p <= alpha and better than the minimum effect
  unchanged   the confidence interval lies within +-minimum effect, or the change is
              significant but smaller than it
  too noisy   neither: the interval still admits a change larger than the minimum effect
Instruction counts (one deterministic value per benchmark) skip the statistics: regressed or
improved when the relative change exceeds the minimum effect, else unchanged.
"""
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field

from . import stats
from .load import InputError
from concbench_results.facts import peers_in

TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
VERDICTS = ("regressed", "improved", "too noisy", "unchanged")


@dataclass
class Comparison:
    """One benchmark x metric. `ratio` is candidate / baseline (Hodges–Lehmann for statistical
    metrics, ratio of medians for counts); every metric here is better when lower."""
    benchmark: str
    metric: str  # time | cpu | rss | instructions
    label: str
    unit: str  # s | B | 1
    method: str
    n_baseline: int
    n_candidate: int
    baseline_median: float
    candidate_median: float
    ratio: float
    min_effect: float
    ci_low: float = None
    ci_high: float = None
    cv_baseline: float = None
    cv_candidate: float = None
    p: float = None
    p_adjusted: float = None
    verdict: str = ""
    repetitions_needed: int = None  # too noisy: per side, to detect min_effect 8 times in 10
    detectable_effect: float = None  # too noisy: what these repetitions detect 8 times in 10
    note: str = ""

    @property
    def change(self):
        return self.ratio - 1


@dataclass
class Report:
    baseline: dict
    candidate: dict
    settings: object
    tests: int  # statistical tests in the family the correction covers
    first_level: float  # the p value the smallest p must reach (alpha/tests with a correction)
    comparisons: list = field(default_factory=list)
    not_compared: list = field(default_factory=list)  # {benchmark, reason, detail}
    warnings: list = field(default_factory=list)

    def count(self, verdict):
        return sum(1 for c in self.comparisons if c.verdict == verdict)

    @property
    def benchmarks(self):
        return len(dict.fromkeys(c.benchmark for c in self.comparisons))

    @property
    def exit_code(self):
        return 1 if self.count("regressed") else 0


# ---- metrics -------------------------------------------------------------------------------

def _finite(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if math.isfinite(v) else None


def _seconds(entry, key):
    v, unit = _finite(entry.get(key)), entry.get("time_unit", "ns")
    if v is None or unit not in TIME_UNITS:
        return None
    return v * TIME_UNITS[unit]


def _values(entries, get):
    out = [get(e) for e in entries]
    return [v for v in out if v is not None]


def _has(entries, key):
    return all(_finite(e.get(key)) is not None for e in entries)


def extract(metric, base_entries, cand_entries):
    """(label, unit, baseline values, candidate values) of `metric`, or None if a side lacks it.
    CPU is user + system time of every thread and worker process when both files have it, else
    Google Benchmark's cpu_time (the main thread only)."""
    both = base_entries + cand_entries
    if metric == "time":
        get, label, unit = (lambda e: _seconds(e, "real_time")), "real time", "s"
    elif metric == "cpu":
        if _has(both, "cpu_user_s") and _has(both, "cpu_sys_s"):
            get, label = (lambda e: float(e["cpu_user_s"]) + float(e["cpu_sys_s"])), "CPU time"
        else:
            get, label = (lambda e: _seconds(e, "cpu_time")), "CPU time (main thread)"
        unit = "s"
    elif metric == "rss":
        get, label, unit = (lambda e: _finite(e.get("peak_rss_bytes"))), "peak RSS", "B"
    else:
        get, label, unit = (lambda e: _finite(e.get("instructions"))), "instructions", "1"
    b, c = _values(base_entries, get), _values(cand_entries, get)
    if not b or not c:
        return None
    return label, unit, b, c


# ---- checks --------------------------------------------------------------------------------

def _ctx(run, key):
    return run.context.get(key)


def _differs(base, cand, key):
    a, b = _ctx(base, key), _ctx(cand, key)
    return a is not None and b is not None and a != b


def check_runs(base, cand, settings):
    """Warnings for differences that make a verdict less certain; InputError for those that make
    it meaningless (mismatched suites, core counts or build types: --allow-mismatch turns
    these into warnings)."""
    warnings = []
    if base.instruction_mode != cand.instruction_mode:
        kinds = {True: "instruction counts (scripts/instructions)", False: "a timed run"}
        raise InputError(f"the baseline is {kinds[base.instruction_mode]} and the candidate "
                         f"{kinds[cand.instruction_mode]}: compare two files of the same kind")
    hard = []
    if _differs(base, cand, "concbench_suite"):
        hard.append(f"suites differ (baseline {_ctx(base, 'concbench_suite')!r}, candidate "
                    f"{_ctx(cand, 'concbench_suite')!r}): the suites run different minimum times, "
                    "so a name is not the same measurement; rerun both with the same --suite")
    cores = "concbench_cores" if _ctx(base, "concbench_cores") is not None else "num_cpus"
    if _differs(base, cand, cores):
        hard.append(f"core counts differ (baseline {_ctx(base, cores)}, candidate "
                    f"{_ctx(cand, cores)}): a parallel benchmark measures the machine, not the "
                    "change; run both on the same machine (scripts/ab does)")
    if _differs(base, cand, "concbench_build_type"):
        hard.append(f"build types differ (baseline {_ctx(base, 'concbench_build_type')}, "
                    f"candidate {_ctx(cand, 'concbench_build_type')}): build both as Release")
    if hard and not settings.allow_mismatch:
        raise InputError("; ".join(hard) + ". (--allow-mismatch compares anyway)")
    warnings += [f"{h[0].upper()}{h[1:]} (compared anyway: --allow-mismatch)." for h in hard]
    if _differs(base, cand, "host_name"):
        warnings.append(f"Different machines: baseline on {_ctx(base, 'host_name')!r}, candidate "
                        f"on {_ctx(cand, 'host_name')!r}. A verdict here compares machines as "
                        "much as code: run both revisions on one machine, interleaved "
                        "(scripts/ab).")
    elif cores != "num_cpus" and _differs(base, cand, "num_cpus"):
        warnings.append(f"The machines differ: {_ctx(base, 'num_cpus')} CPUs in the baseline, "
                        f"{_ctx(cand, 'num_cpus')} in the candidate.")
    if _differs(base, cand, "mhz_per_cpu"):
        warnings.append(f"CPU clocks differ: {_ctx(base, 'mhz_per_cpu')} MHz in the baseline, "
                        f"{_ctx(cand, 'mhz_per_cpu')} MHz in the candidate.")
    for key, what in (("compiler", "compiler"), ("boost_version", "Boost"),
                      ("onetbb_version", "oneTBB"), ("benchmark_version", "Google Benchmark")):
        if _differs(base, cand, key):
            warnings.append(f"Different {what}: {_ctx(base, key)} in the baseline, "
                            f"{_ctx(cand, key)} in the candidate: part of any change is theirs.")
    a, b = _ctx(base, "spin_iterations_per_us"), _ctx(cand, "spin_iterations_per_us")
    if (not base.instruction_mode and isinstance(a, (int, float)) and isinstance(b, (int, float))
            and a > 0 and a != b
            and any(n.startswith("cpu.spin/") for n in set(base.samples) & set(cand.samples))):
        warnings.append(f"cpu.spin did {abs(b / a - 1):.1%} {'more' if b > a else 'less'} work "
                        f"per task in the candidate (spin_iterations_per_us {a:.6g} vs {b:.6g}): "
                        f"run both with --spin-rate {a:.6g} (scripts/ab does).")
    for run in (base, cand):
        injected = _ctx(run, "concbench_injected_slowdown")
        if injected not in (None, "", "none"):
            warnings.append(f"The {run.role} is a test build with an injected slowdown "
                            f"({injected}, CONCBENCH_INJECT_SLOWDOWN): not a real revision.")
    return warnings


def _describe_run(run):
    reps = Counter(len(v) for v in run.samples.values())
    load = _ctx(run, "load_avg")
    return {"path": run.path, "git_revision": _ctx(run, "concbench_git_revision"),
            "suite": _ctx(run, "concbench_suite"), "host": _ctx(run, "host_name"),
            "cores": _ctx(run, "concbench_cores") or _ctx(run, "num_cpus"),
            "build_type": _ctx(run, "concbench_build_type"), "date": _ctx(run, "date"),
            "mode": "instructions" if run.instruction_mode else "timed",
            "repetitions": reps.most_common(1)[0][0] if reps else 0,
            "load_avg_1min": load[0] if isinstance(load, list) and load else None}


def _examples(names, k=3):
    shown = ", ".join(names[:k])
    return shown + (f" and {len(names) - k} more" if len(names) > k else "")


def _shape(name):
    """A parsed name less its dispatch: the work, whatever way it was handed to the model."""
    return name.workload, name.model, tuple(kv for kv in name.params if kv[0] != "dispatch")


def other_dispatch(run, other, name):
    """The benchmarks of `other` that are `name` of `run` but for their dispatch (one has it and
    the other not, or another word): the same work handed over differently, which is never
    compared (map against each, or a file from before names carried dispatch)."""
    parsed = run.parsed.get(name)
    if parsed is None:
        return []
    key = _shape(parsed)
    return [n for n in other.names if n != name and n in other.parsed
            and _shape(other.parsed[n]) == key
            and other.parsed[n].dispatch != parsed.dispatch]


def _dispatch_hint(base, cand):
    """A sentence when names of the two files differ only by dispatch, else ''."""
    in_cand = set(cand.names)
    undispatched = [n for n in base.names if n not in in_cand and other_dispatch(base, cand, n)]
    if not undispatched:
        return ""
    old = [n for n in undispatched if base.parsed[n].dispatch is None]
    why = (" (the baseline's names have no dispatch: written before names carried it; rerun it "
           "with the current binary, as scripts/ab does)" if old else "")
    return (f"{len(undispatched)} benchmark{'s' if len(undispatched) > 1 else ''} of the "
            f"baseline differ from the candidate's only by dispatch ({_examples(undispatched)})"
            f"{why}: results of another dispatch are other work, and are not compared")


PEER_DETAIL = ("the field's own tool (pgbench, wrk), run beside the models for a fixed time: its "
               "time is that length and its CPU is concbench waiting for it, so neither measures "
               "a change; its own figures (pgbench_tps, wrk_requests_per_s) are in the results")


def pair(base, cand):
    """(benchmarks to compare, not_compared entries). InputError when nothing can be compared.
    Benchmarks pair by their whole name, dispatch included: never map against each."""
    cand_names = set(cand.names)
    base_names = set(base.names)
    common = [n for n in base.names if n in cand_names]
    if not common:
        hint = _dispatch_hint(base, cand)
        raise InputError(f"no benchmark is in both files: the baseline has {len(base_names)} "
                         f"({_examples(base.names)}), the candidate {len(cand_names)} "
                         f"({_examples(cand.names)}); " + (hint if hint else
                         "were they run with different filters, suites or --iterations?"))
    aggregates = [n for n in common if n in base.aggregates_only or n in cand.aggregates_only]
    if aggregates:
        raise InputError(f"{len(aggregates)} benchmarks have only aggregates, no repetitions "
                         f"({_examples(aggregates)}): rerun without "
                         "--benchmark_report_aggregates_only")
    not_compared = []
    for run, other, names in ((base, cand, cand_names), (cand, base, base_names)):
        for n in run.names:
            if n not in names:
                twins = other_dispatch(run, other, n)
                detail = (f"the {other.role} has it with another dispatch ({', '.join(twins)}): "
                          "different work, not compared" if twins else "")
                not_compared.append({"benchmark": n, "reason": f"only in {run.role}",
                                     "detail": detail})
    peers = peers_in(base.context) | peers_in(cand.context)
    compared = []
    for n in common:
        excluded = False
        for run in (base, cand):  # a peer's error too: wrk's non-2xx is our server's
            if n in run.errored:
                not_compared.append({"benchmark": n, "reason": f"errored in {run.role}",
                                     "detail": run.errored[n]})
                excluded = True
            elif n in run.skipped:
                not_compared.append({"benchmark": n, "reason": f"skipped in {run.role}",
                                     "detail": run.skipped[n]})
                excluded = True
        if not excluded and base.parsed[n].model in peers:
            not_compared.append({"benchmark": n, "reason": "a peer tool", "detail": PEER_DETAIL})
        elif not excluded:
            compared.append(n)
    if not compared:
        raise InputError(f"nothing left to compare: each of the {len(common)} benchmarks in both "
                         f"files is a peer tool, or errored or was skipped in one of them "
                         f"({_examples(common)})")
    return compared, not_compared


# ---- verdicts ------------------------------------------------------------------------------

def statistical_verdict(ratio, low, high, p_adjusted, alpha, min_effect):
    """regressed / improved / unchanged / too noisy for a lower-is-better metric."""
    significant = p_adjusted <= alpha
    if significant and ratio > 1 + min_effect:
        return "regressed"
    if significant and ratio < 1 - min_effect:
        return "improved"
    if significant or (low >= 1 - min_effect and high <= 1 + min_effect):
        return "unchanged"
    return "too noisy"


def count_verdict(ratio, min_effect):
    if ratio > 1 + min_effect:
        return "regressed"
    if ratio < 1 - min_effect:
        return "improved"
    return "unchanged"


def _spread_of_counts(values):
    m = statistics.median(values)
    return (max(values) - min(values)) / m if m else 0.0


def compare(base, cand, settings):
    """The Report for two loaded Runs, or InputError."""
    warnings = check_runs(base, cand, settings)
    names, not_compared = pair(base, cand)
    hint = _dispatch_hint(base, cand)
    if hint:
        warnings.append(hint[0].upper() + hint[1:] + ".")
    timed = [] if base.instruction_mode else [m for m in settings.metrics if m != "instructions"]
    counted = ["instructions"] if "instructions" in settings.metrics else []

    errored = [x["benchmark"] for x in not_compared if x["reason"] == "errored in candidate"
               and x["benchmark"] not in base.errored]
    if errored:
        warnings.append(f"{len(errored)} benchmark{'s' if len(errored) > 1 else ''} failed in the "
                        f"candidate but not in the baseline ({_examples(errored)}): a wrong "
                        "result is worse than a slow one; see Not compared.")

    tests, counts = [], []
    for n in names:
        b, c = base.samples[n], cand.samples[n]
        for metric in timed:
            got = extract(metric, b, c)
            if got:
                tests.append((n, metric, *got))
        for metric in counted:
            got = extract(metric, b, c)
            if got:
                counts.append((n, metric, *got))
    if not tests and not counts:
        raise InputError(f"no metric to compare in the {len(names)} benchmarks of both files "
                         f"(metrics asked: {', '.join(settings.metrics)})")

    m = len(tests)
    first = stats.first_rejection_level(settings.alpha, m, settings.correction)
    _check_repetitions(tests, first, settings, m)

    confidence = 1 - settings.alpha
    values = {(n, metric): (b, c) for n, metric, _, _, b, c in tests}
    comparisons = []
    for n, metric, label, unit, b, c in tests:
        _, p, method = stats.mann_whitney(b, c)
        median_b = statistics.median(b)
        if all(v > 0 for v in b + c) or median_b != 0:
            ratio, low, high = stats.ratio_estimate(b, c, confidence)
        else:
            ratio, low, high = math.nan, -math.inf, math.inf
        comparisons.append(Comparison(
            n, metric, label, unit, f"Mann–Whitney U, two-sided ({method})", len(b), len(c),
            median_b, statistics.median(c), ratio, settings.threshold(n, metric), low, high,
            stats.spread(b), stats.spread(c), p))
    for comp, p_adj in zip(comparisons, stats.adjust([c.p for c in comparisons],
                                                     settings.correction)):
        comp.p_adjusted = p_adj
        comp.verdict = statistical_verdict(comp.ratio, comp.ci_low, comp.ci_high, p_adj,
                                           settings.alpha, comp.min_effect)
        if comp.verdict == "unchanged" and p_adj <= settings.alpha:
            comp.note = (f"significant, but {comp.change:+.1%} is within the "
                         f"{comp.min_effect * 100:g}% minimum effect")
        elif comp.verdict == "too noisy":
            vb, vc = values[(comp.benchmark, comp.metric)]
            sigma = (stats.log_sigma(vb, vc) if all(v > 0 for v in vb + vc)
                     else max(comp.cv_baseline, comp.cv_candidate))
            comp.repetitions_needed = stats.repetitions_needed(sigma, comp.min_effect, first)
            comp.detectable_effect = stats.detectable_effect(sigma, len(vb), len(vc), first)
    for n, metric, label, unit, b, c in counts:
        median_b, median_c = statistics.median(b), statistics.median(c)
        if median_b <= 0:
            not_compared.append({"benchmark": n, "reason": f"{label}: baseline is 0", "detail": ""})
            continue
        ratio = median_c / median_b
        effect = settings.threshold(n, metric)
        comp = Comparison(n, metric, label, unit, "relative change (deterministic count)",
                          len(b), len(c), median_b, median_c, ratio, effect,
                          verdict=count_verdict(ratio, effect))
        varying = [f"{_spread_of_counts(v):.2%} in the {role}" for v, role in
                   ((b, "baseline"), (c, "candidate")) if len(v) > 1 and _spread_of_counts(v) > 0]
        if varying:
            comp.note = f"counts vary by {' and '.join(varying)}: not deterministic"
        comparisons.append(comp)

    order = {name: i for i, name in enumerate(names)}
    metric_order = {k: i for i, k in enumerate(("time", "cpu", "rss", "instructions"))}
    comparisons.sort(key=lambda c: (order[c.benchmark], metric_order[c.metric]))
    return Report(_describe_run(base), _describe_run(cand), settings, m, first, comparisons,
                  not_compared, warnings)


def _check_repetitions(tests, first, settings, m):
    """InputError when some test cannot reach significance whatever the data: a pass would then
    say nothing."""
    short = [(n, len(b), len(c)) for n, _, _, _, b, c in tests
             if stats.min_p(len(b), len(c)) > first]
    if not short:
        return
    name, nb, nc = max(short, key=lambda s: stats.min_p(s[1], s[2]))
    need = stats.min_n_per_side(first)
    benches = len(dict.fromkeys(t[0] for t in tests))
    metrics = len(dict.fromkeys(t[1] for t in tests))
    short_benches = len(dict.fromkeys(s[0] for s in short))
    how = {"holm": "Holm's correction", "bh": "Benjamini–Hochberg's correction",
           "none": "no correction"}[settings.correction]
    family = (f"with {m} tests ({benches} benchmarks x {metrics} metrics) and {how} at "
              f"alpha = {settings.alpha:g}" if m > 1 else f"at alpha = {settings.alpha:g}")
    where = name + (f" and {short_benches - 1} more benchmarks" if short_benches > 1 else "")
    hint = ""
    if metrics > 1:
        fewer = stats.min_n_per_side(stats.first_rejection_level(
            settings.alpha, benches, settings.correction))
        if fewer < need:
            hint = f" With one metric (--metrics time), {fewer} would do."
    raise InputError(
        f"too few repetitions to test: {nb} in the baseline and {nc} in the candidate ({where}). "
        f"{family[0].upper()}{family[1:]}, a change is significant only from p <= {first:.2g}, "
        f"but the smallest p Mann–Whitney can give with {nb} and {nc} repetitions is "
        f"{stats.min_p(nb, nc):.2g}, so no result could count. Run at least {need} per side "
        f"(--benchmark_repetitions={need}, or scripts/ab --rounds {math.ceil(need / 2)}); more "
        f"detect smaller changes.{hint}")
