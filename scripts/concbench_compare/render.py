"""Render: a Report as Markdown (a CI job summary or a pull-request comment: regressions first,
then a one-line verdict that reads as a sentence) and as JSON (every verdict, for machines)."""
import json
import math
from dataclasses import asdict

SCHEMA = "concbench-compare/1"
MAX_UNCHANGED_ROWS = 150  # keeps a pull-request comment under GitHub's 65,536 characters
METRIC_NAMES = {"time": "real time", "cpu": "CPU time", "rss": "peak RSS",
                "instructions": "instructions"}


# ---- numbers -------------------------------------------------------------------------------

def _sig(x, digits=3):
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{decimals}f}"


def quantity(value, unit):
    """A value in its unit for people: seconds in s/ms/µs/ns, bytes in binary prefixes,
    counts in SI prefixes."""
    if value is None or not math.isfinite(value):
        return "n/a"
    a = abs(value)
    if unit == "s":
        for scale, name in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
            if a >= scale:
                return f"{_sig(value / scale)} {name}"
        return f"{_sig(value * 1e9)} ns"
    if unit == "B":
        for scale, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
            if a >= scale:
                return f"{_sig(value / scale)} {name}"
        return f"{value:.0f} B"
    for scale, name in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if a >= scale:  # four digits: a 1 % change in a count must show
            return f"{_sig(value / scale, 4)}{name}"
    return _sig(value, 4)


def percent(fraction, signed=True):
    if fraction is None or not math.isfinite(fraction):
        return "n/a"
    return f"{fraction:+.1%}" if signed else f"{fraction:.1%}"


def _ci(c):
    if c.ci_low is None:
        return ""
    if not (math.isfinite(c.ci_low) and math.isfinite(c.ci_high)):
        return " [no interval: too few repetitions]"
    return f" [{percent(c.ci_low - 1)}, {percent(c.ci_high - 1)}]"


def _p(p):
    return "—" if p is None else f"{p:.2g}"


# ---- sentences -----------------------------------------------------------------------------

def _and(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _effects_phrase(report):
    """'minimum effect 5%' or 'minimum effects: real time 5%, peak RSS 10%', plus rules."""
    s = report.settings
    used = [m for m in ("time", "cpu", "rss", "instructions")
            if any(c.metric == m for c in report.comparisons)]
    values = {s.min_effect[m] for m in used}
    if len(values) == 1:
        text = f"minimum effect {next(iter(values)) * 100:g}%"
    else:
        text = "minimum effects " + ", ".join(f"{METRIC_NAMES[m]} {s.min_effect[m] * 100:g}%"
                                              for m in used)
    if s.rules:
        text += f", {len(s.rules)} per-benchmark rule{'s' if len(s.rules) > 1 else ''}"
    return text


def _family_phrase(report):
    s = report.settings
    parts = []
    if report.tests:
        metrics = _and(dict.fromkeys(c.label for c in report.comparisons if c.p is not None))
        how = {"holm": f"Holm-corrected α = {s.alpha:g}",
               "bh": f"Benjamini–Hochberg false discovery rate {s.alpha:g}",
               "none": f"α = {s.alpha:g} per test, no correction"}[s.correction]
        parts.append(f"{report.benchmarks} benchmarks × {metrics}; {how}")
    if any(c.p is None for c in report.comparisons):
        parts.append("instruction counts without statistics")
    return "; ".join(parts + [_effects_phrase(report)])


def _others(report):
    rest = []
    for verdict, words in (("improved", "improved"), ("too noisy", "too noisy to tell"),
                           ("unchanged", "unchanged")):
        k = report.count(verdict)
        if k:
            rest.append(f"{k} {words}")
    return _and(rest) if rest else "nothing else"


def _by_benchmark(comps):
    """[(benchmark, [comparisons])], the benchmark with the largest change first; metrics in
    their usual order within one."""
    groups = {}
    for c in comps:
        groups.setdefault(c.benchmark, []).append(c)
    return sorted(groups.items(), key=lambda g: -max(abs(c.change) for c in g[1]))


def verdict_sentence(report):
    """The one-line overall verdict."""
    total = len(report.comparisons)
    regressed = [c for c in report.comparisons if c.verdict == "regressed"]
    family = _family_phrase(report)
    if not regressed:
        return f"**No regression** in {total} comparisons ({family}): {_others(report)}."
    groups = _by_benchmark(regressed)
    named = [f"`{name}` ({', '.join(f'{c.label} {percent(c.change)}' for c in comps)})"
             for name, comps in groups[:3]]
    if len(groups) > 3:
        named.append(f"{len(groups) - 3} more benchmark{'s' if len(groups) > 4 else ''}")
    return (f"**The candidate regressed**: {_and(named)}; {len(regressed)} of {total} "
            f"comparisons regressed ({family}); of the others, {_others(report)}.")


# ---- Markdown ------------------------------------------------------------------------------

def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if h.endswith(">") else "---" for h in header) + "|"]
    lines[0] = lines[0].replace(">", "")
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _change_table(comps, bold, confidence):
    """Rows of changes; the interval and p columns only when some row was tested."""
    tested = any(c.p is not None for c in comps)
    header = ["benchmark", "metric", "baseline>", "candidate>"]
    header += [f"change [{confidence} CI]>", "p adj.>"] if tested else ["change>"]
    rows = []
    for c in comps:
        change = f"**{percent(c.change)}**" if bold else percent(c.change)
        row = [f"`{c.benchmark}`", c.label, quantity(c.baseline_median, c.unit),
               quantity(c.candidate_median, c.unit), change + _ci(c)]
        if c.note and not bold:
            row[-1] += f" ({c.note})"
        if tested:
            row.append(_p(c.p_adjusted))
        rows.append(row)
    return _table(header, rows)


def _header_line(report):
    b, c = report.baseline, report.candidate
    rev = lambda r: f"`{r['git_revision']}`" if r["git_revision"] else f"`{r['path']}`"
    same = (b["git_revision"] and b["git_revision"] == c["git_revision"]
            and not b["git_revision"].endswith("-dirty"))
    parts = [f"Baseline {rev(b)} → candidate {rev(c)}" + (" (the same revision)" if same else "")]
    if b["mode"] == "instructions":
        parts.append("instruction counts under callgrind")
    else:
        reps = (f"{b['repetitions']} repetitions each" if b["repetitions"] == c["repetitions"]
                else f"{b['repetitions']} and {c['repetitions']} repetitions")
        parts.append(reps)
    if b["suite"]:
        parts.append(f"{b['suite']} suite")
    if b["host"]:
        host = b["host"] if b["host"] == c["host"] else f"{b['host']} / {c['host']}"
        parts.append(f"host {host}, {b['cores']} cores")
    loads = [r["load_avg_1min"] for r in (b, c)]
    if b["cores"] and any(isinstance(x, (int, float)) and x > b["cores"] for x in loads):
        shown = " and ".join("?" if x is None else f"{x:.1f}" for x in loads)
        parts.append(f"busy machine: load average {shown} at the start")
    return " · ".join(parts)


def markdown(report):
    """The Markdown summary of a Report."""
    comps = report.comparisons
    by = {v: [c for c in comps if c.verdict == v] for v in
          ("regressed", "improved", "too noisy", "unchanged")}
    n_reg = len(by["regressed"])
    title = f"{n_reg} regression{'s' if n_reg != 1 else ''}" if n_reg else "no regression"
    out = [f"## concbench compare: {title}", "", _header_line(report), ""]
    confidence = f"{1 - report.settings.alpha:.0%}"
    if n_reg:
        worst_first = [c for _, comps in _by_benchmark(by["regressed"]) for c in comps]
        out += ["### Regressed", ""] + _change_table(worst_first, True, confidence) + [""]
    out += [verdict_sentence(report), ""]
    if report.warnings:
        out += ["> [!WARNING]"] + [f"> {w}  " for w in report.warnings] + [""]
    if by["improved"]:
        best_first = [c for _, comps in _by_benchmark(by["improved"]) for c in comps]
        out += ["### Improved", ""] + _change_table(best_first, False, confidence) + [""]
    if by["too noisy"]:
        out += ["### Too noisy to tell", "",
                "Not significant after the correction, and the interval still admits a change "
                "larger than the minimum effect. CV is the spread of the repetitions (sd / mean); "
                "the last two columns estimate the change these repetitions would detect 8 times "
                "in 10, and how many repetitions per side would detect one of the minimum "
                f"effect (at p <= {report.first_level:.2g}). Where that is out of reach, give the "
                "benchmark a larger minimum effect (--threshold).", ""]
        rows = []
        for c in sorted(by["too noisy"], key=lambda c: -(c.repetitions_needed or 0)):
            need = c.repetitions_needed
            rows.append([f"`{c.benchmark}`", c.label, percent(c.change) + _ci(c),
                         f"{percent(c.cv_baseline, False)} / {percent(c.cv_candidate, False)}",
                         percent(c.min_effect, False), percent(c.detectable_effect, False),
                         "—" if need is None else (f"≈ {need}" if need <= 1000 else "> 1000")])
        out += _table(["benchmark", "metric", f"change [{confidence} CI]>", "CV base / cand>",
                       "min. effect>", "detectable now>", "repetitions needed>"], rows)
        out.append("")
    if report.not_compared:
        out += ["### Not compared", ""]
        out += _table(["benchmark", "why", "detail"],
                      [[f"`{n['benchmark']}`", n["reason"], n["detail"].replace("|", "\\|")]
                       for n in report.not_compared])
        out.append("")
    if by["unchanged"]:
        extra = len(by["unchanged"]) - MAX_UNCHANGED_ROWS
        out += [f"<details><summary>Unchanged ({len(by['unchanged'])})</summary>", ""]
        out += _change_table(by["unchanged"][:MAX_UNCHANGED_ROWS], False, confidence)
        if extra > 0:
            out += ["", f"… and {extra} more: every verdict is in the JSON (--json FILE)."]
        out += ["", "</details>", ""]
    out.append(_method_note(report))
    return "\n".join(out) + "\n"


def _method_note(report):
    s = report.settings
    if report.tests:
        how = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": "no"}[s.correction]
        return (f"<sub>Mann–Whitney U, two-sided, over the repetitions; change = "
                f"Hodges–Lehmann ratio of candidate to baseline (lower is better for every "
                f"metric) with its {1 - s.alpha:.0%} interval; baseline and candidate are "
                f"medians; {how} correction over {report.tests} tests; a change counts when "
                f"significant and larger than the minimum effect. scripts/compare --help "
                f"explains the flags.</sub>")
    return ("<sub>Instruction counts are deterministic: a change counts when it is larger than "
            "the minimum effect. scripts/compare --help explains the flags.</sub>")


def error_markdown(message):
    return f"## concbench compare: could not compare\n\n{message}\n"


# ---- JSON ----------------------------------------------------------------------------------

def _clean(value):
    """Strict JSON: infinities and NaN become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def to_json(report):
    counts = {v: report.count(v) for v in ("regressed", "improved", "too noisy", "unchanged")}
    data = {
        "schema": SCHEMA,
        "verdict": "regressed" if report.exit_code else "ok",
        "exit_code": report.exit_code,
        "summary": verdict_sentence(report).replace("**", "").replace("`", ""),
        "baseline": report.baseline,
        "candidate": report.candidate,
        "settings": dict(report.settings.describe(), tests=report.tests,
                         first_rejection_p=report.first_level),
        "counts": counts,
        "warnings": report.warnings,
        "comparisons": [dict(asdict(c), change=c.change) for c in report.comparisons],
        "not_compared": report.not_compared,
    }
    return json.dumps(_clean(data), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def error_json(message):
    return json.dumps({"schema": SCHEMA, "verdict": "bad input", "exit_code": 2,
                       "error": message}, indent=1, ensure_ascii=False) + "\n"
