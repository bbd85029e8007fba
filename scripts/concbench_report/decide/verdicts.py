"""The verdicts: the report's first screen. One short line per workload class (which model to
use, by how much, at what cost, how sure) and one per question (scenario), each made from the
decisions the sections below explain in full. Pure functions over ClassResults and Sections.

A verdict never names one winner inside the run's own noise: the ranking's tie rule (2 x the
measured spread, or a fixed tolerance for single runs) decides, and a single run says that its
spread is unknown."""
import math
import re
from dataclasses import dataclass

from ..units import fmt, percent
from .common import DEFAULT_TOLERANCE, SATURATED, measured
from .ranking import Entry, score, winners_of


@dataclass(frozen=True)
class Verdict:
    """One line of the first screen."""
    key: str            # the class's or section's key
    work: str           # what kind of work, in plain words
    use: str            # the model(s) to use
    margin: str         # by how much, and who is behind
    cost: str           # what the winners cost (CPU per item, memory per operation in flight)
    sure: str           # how sure: the spread measured, or that none was
    python: str = ""    # the Python arm at the same point, ranked among itself
    cells: tuple = ()   # the Cells it cites
    anchor: str = ""    # where in the report it is explained


_SPREAD = re.compile(r" ±[0-9.,]+ ?%| ⚠")


def bare(text):
    """A cell's figure without its spread and marks: the verdict's 'how sure' says those."""
    return _SPREAD.sub("", text)


def _entries(cls, models):
    return [e for e in cls.ranking if e.model in models]


def _range(values, fmt_one):
    lo, hi = min(values), max(values)
    return fmt_one(lo) if hi == lo else f"{fmt_one(lo)}–{fmt_one(hi)}"


def _cost(group, entries):
    """CPU per item and, where measured, memory per operation in flight of `entries`, the
    cheapest named when they differ by more than a tenth."""
    parts = []
    for counter, what in (("cpu_per_item_us", "CPU/item"),
                          ("rss_per_inflight_bytes", "RSS/op")):
        have = [(e.point.v(counter), e.model) for e in entries
                if e.point is not None and e.point.v(counter) is not None and e.point.v(counter) > 0]
        if not have:
            continue
        unit = group.unit(counter) or ("us" if counter.endswith("_us") else "bytes")
        show = (lambda v, u=unit: fmt(v, u))
        lo, hi = min(have), max(have)
        if len(have) == 1 or hi[0] <= lo[0] * 1.1:
            parts.append(f"{_range([v for v, _ in have], show)} {what}")
        else:
            parts.append(f"{show(lo[0])} ({lo[1]})–{show(hi[0])} ({hi[1]}) {what}")
    return "; ".join(parts) or "—"


def _sure(cls, entries):
    """How sure the ranking is: the runs and spread of the points that decided it; '1 run'
    when any of them ran once (its ties then use a fixed tolerance, not a spread)."""
    pts = [e.point for e in entries if e.point is not None]
    if cls.tolerance_from == "repetitions" and pts and all(p.n > 1 for p in pts):
        return (f"{min(p.n for p in pts)} runs, ±{percent(max(p.cv or 0 for p in pts))}; "
                f"ties ±{percent(cls.tolerance)}")
    return f"1 run; ties ±{percent(cls.tolerance)}"


def _lead(top, other):
    return top.score / other.score - 1 if other.score else math.inf


def class_verdict(group, cls):
    """The Verdict of a ClassResult."""
    rk = cls.ranking
    if not rk:
        return Verdict(cls.key, cls.label, "none measured", "", "", "", anchor=anchor_of(cls.key))
    winners = _entries(cls, cls.winners)
    if len(winners) > 1:
        use = ", ".join(cls.winners)
        margin = f"tie {_span(winners)}"
    else:
        use = cls.winners[0]
        top = winners[0]
        margin = top.cell.text
        if len(rk) > 1:
            margin += f", +{percent(_lead(top, rk[1]))} over {rk[1].model} {rk[1].cell.text}"
    behind = [e for e in rk if e.model not in cls.winners]
    named = {rk[1].model} if len(winners) == 1 and len(rk) > 1 else set()  # the runner-up
    if behind and behind[-1].model not in named:
        last = behind[-1]
        gap = 1 - last.score / rk[0].score if rk[0].score else 0
        margin += f"; last {last.model} {last.cell.text} (−{percent(gap)})"
    python = ""
    if cls.python:
        p = list(cls.python)
        tied, _, _ = winners_of(p, DEFAULT_TOLERANCE)
        if len(tied) > 1:
            python = "tie: " + ", ".join(tied)
        else:
            python = f"{p[0].model} {p[0].cell.text}"
            if len(p) > 1:
                python += f", +{percent(_lead(p[0], p[1]))}"
    cells = tuple(e.cell for e in rk) + tuple(e.cell for e in cls.python)
    return Verdict(cls.key, plain_work(cls), use, bare(margin), _cost(group, winners),
                   _sure(cls, winners + behind[:1]), bare(python), cells, anchor_of(cls.key))


def _span(entries):
    """'1.92–2.02×' or '9.44–9.58 k/s': the range of the entries' figures, in their unit."""
    vals = sorted(e.cell.value for e in entries if e.cell.value is not None)
    if not vals:
        return " to ".join(e.cell.text for e in entries[:2])
    texts = [e.cell.text for e in entries]
    if all(t.split(" ")[0].endswith("×") for t in texts):
        return f"{vals[0]:.2f}–{vals[-1]:.2f}×"
    lo = min(entries, key=lambda e: e.cell.value if e.cell.value is not None else math.inf)
    hi = max(entries, key=lambda e: e.cell.value if e.cell.value is not None else -math.inf)
    return f"{bare(lo.cell.text)}–{bare(hi.cell.text)}"


def plain_work(cls):
    """The class's label with its case, in one short phrase."""
    label = cls.label
    for word, plain in (("(dispatch: map)", ", whole range"), ("(dispatch: each)", ", one at a time")):
        label = label.replace(" " + word, plain)
    return label


# Where each class is explained: the section of the question it belongs to.
SECTION_OF = (("cpu", "q-cpu"), ("io_echo", "q-io"), ("io", "q-io"), ("mixed", "q-mixed"),
              ("ipc", "q-ipc"))


def anchor_of(key):
    return next((a for prefix, a in SECTION_OF if key.startswith(prefix)), "q-cpu")


# ------------------------------------------------------------------------------ scenarios

def _generic(group, sec):
    """A scenario without a written verdict: its models ranked by throughput (items/s, else
    1 / wall time) at the parameters most of them share (the highest concurrency among
    equals; closed loops before open ones, whose rate is an input), ties within the ranking's
    tolerance. Returns (C++ text, Python text, cells)."""
    every = group.select(sec.key)
    closed = [p for p in every if p.get("rate") is None]
    every = closed or every
    pts = [p for p in every if not p.saturated]
    if not pts:
        return "no point measured", "", ()
    shared = {}
    for p in pts:
        key = tuple((k, v) for k, v in p.params if k != "workers")
        best = shared.setdefault(key, {}).get(p.model)
        if best is None or (score(p) or 0) > (score(best) or 0):
            shared[key][p.model] = p
    at, by_model = max(shared.items(), key=lambda kv: (
        len([m for m in kv[1] if not m.startswith("py_")]), dict(kv[0]).get("concurrency") or 0))
    cpp = sorted((p for m, p in by_model.items() if score(p) and not m.startswith("py_")),
                 key=lambda p: -score(p))
    py = sorted((p for m, p in by_model.items() if score(p) and m.startswith("py_")),
                key=lambda p: -score(p))
    def said(ranked, short=False):
        if not ranked:
            return "", []
        counter = next((c for c in ("items_per_second", "bytes_per_second")
                        if all(p.v(c) is not None for p in ranked)), "wall_s")
        cells = [measured(group, p, counter) for p in ranked]
        top = ranked[0]
        # The ranking's own tie rule (2 x the measured spread, or the default tolerance).
        won, _, _ = winners_of([Entry(p.model, c, score(p), p) for p, c in zip(ranked, cells)],
                               DEFAULT_TOLERANCE)
        tied = [p for p in ranked[1:] if p.model in won]
        if tied:
            text = "tie: " + ", ".join(f"`{p.model}` {c.text}" for p, c in zip(ranked, cells)
                                       if p is top or p in tied)
        else:
            text = f"`{top.model}` {cells[0].text}"
            if len(ranked) > 1:
                text += f", +{percent(score(top) / score(ranked[1]) - 1)}"
                text += "" if short else f" over `{ranked[1].model}` {cells[1].text}"
        if short:
            return text, cells
        rest = [p for p in ranked[1:] if p not in tied]
        if rest and (tied or len(rest) > 1):
            text += f"; last `{rest[-1].model}` {cells[ranked.index(rest[-1])].text}"
        return text, cells

    where = ", ".join(f"{k} {v}" for k, v in at)
    text, cells = said(cpp)
    # Models whose every point here loaded a saturated server: named, never ranked.
    saturated = sorted({p.model for p in every if p.saturated and not p.model.startswith("py_")
                        and tuple((k, v) for k, v in p.params if k != "workers") == at}
                       - {p.model for p in cpp})
    if saturated and text:
        text += f"; {', '.join(f'`{m}`' for m in saturated)}: server saturated {SATURATED}, not ranked"
    ptext, pcells = said(py, short=True)
    return (f"{where}: {text}" if where and text else text or ptext), (ptext if text else ""), tuple(cells + pcells)


def scenario_verdict(group, sec):
    """The Verdict of a scenario Section: its written short answer (Section.verdict), else
    the generic ranking."""
    python = ""
    if sec.verdict:
        text, cells = sec.verdict
    else:
        text, python, cells = _generic(group, sec)
    title = f"{sec.title} (question{sec.questions})" if sec.questions else sec.title
    return Verdict(sec.key, title, "", bare(text), "", "", bare(python), tuple(cells),
                   "scenario-" + sec.key.replace(".", "-"))


def verdicts(group, classes, sections):
    """(class verdicts, scenario verdicts), in the report's order."""
    return ([class_verdict(group, c) for c in classes],
            [scenario_verdict(group, s) for s in sections])
