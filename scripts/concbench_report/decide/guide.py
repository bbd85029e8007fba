"""The guide's comparison table, claim by claim, beside what this run measured, with a verdict
(holds, partly, differs, unknown). It reads only the headline's cells and the ranking's classes,
so every number it quotes is one the report shows elsewhere, with the same sources. A claim
about CPU work gets one row per dispatch: the verdict on a map result and on an each result may
differ, and neither may stand for the other. C++ has no GIL: where the guide's answer comes
from Python's, the verdict says so."""
from dataclasses import dataclass

from ..series import EFFICIENT, shape_key, shape_label, shapes
from ..units import fmt, percent, sig
from .common import (DEFAULT_TOLERANCE, Cell, cell_of, class_of, entry_of, shaped, sources_of)

ASYNC, THREADING, MULTIPROCESSING = "async (asyncio)", "threading", "multiprocessing"
GIL_CLAIM = "limited by the GIL (Python)"
# Each approach's word in a model's kind ("stands_for"): the run says which model is which.
STANDS_FOR = {ASYNC: "asyncio", THREADING: "threading", MULTIPROCESSING: "multiprocessing"}


def roles(group, python=False):
    """{approach: model}: the C++ (or Python) model standing for each of the guide's approaches
    in this run; an approach no model stands for is left out."""
    out = {a: group.stands_for(w, python) for a, w in STANDS_FOR.items()}
    return {a: m for a, m in out.items() if m is not None}


def threaded(group, model):
    """True for a model whose several workers are threads of one process (they share memory)."""
    return group.fact(model, "workers") == "threads" and bool(group.fact(model, "sized", True)) \
        and not group.fact(model, "per_task", False)


def loops_per_core(group, model):
    """The C++ models that run `model`'s event loop once per worker thread (coro_mt's shape)."""
    return [m for m in group.models if m != model and not m.startswith("py_")
            and group.waits(m) == "loop" and threaded(group, m)]


@dataclass(frozen=True)
class GuideRow:
    approach: str
    model: str
    aspect: str
    claim: str
    measured: Cell
    verdict: str
    kind: str               # holds | partly | differs | unknown
    language: str = "C++"   # or "Python": the Python arm's model for the same claim

    @property
    def key(self):
        """What names the row across run groups (the aspect says the dispatch)."""
        return (self.approach, self.model, self.aspect, self.claim)

    @property
    def claim_key(self):
        """The claim, whatever the language: a C++ row and its Python row share it."""
        return (self.approach, self.aspect, self.claim)


def guide_row(approach, model, aspect, claim, text, sources, verdict, kind, language="C++"):
    """A GuideRow whose measured cell cites each source once, in order."""
    return GuideRow(approach, model, aspect, claim, Cell(text, tuple(dict.fromkeys(sources))),
                    verdict, kind, language)


def spin_cases(group, *workloads):
    """[(dispatch, label suffix)]: the dispatches the workloads ran, each once, in shapes()
    order; [(None, '')] when none of them ran (one row says 'not measured')."""
    ds = list(dict.fromkeys(d for w in workloads for d in shapes(group, w)))
    return [(d, shape_label(workloads[0], d)) for d in ds] or [(None, "")]


# --------------------------------------------------------------------------- concurrency

def concurrency_row(rows, approach, model, how, base=None):
    """'Concurrency: yes', against the most waits the model held at ≥ 90 % of the ideal."""
    reach = cell_of(rows, "io_reach", model)
    mem = cell_of(rows, "io_memory", model)
    if reach is None or reach.status in ("absent", "skipped", "error", "missing"):
        return guide_row(approach, model, "concurrency", "yes",
                         reach.text if reach else "not measured", sources_of(reach), "",
                         "unknown")
    if reach.status == "none":
        return guide_row(approach, model, "concurrency", "yes", f"no io.sleep point at "
                         f"efficiency ≥ {EFFICIENT} ({reach.note})", sources_of(reach),
                         f"no concurrency level reached {EFFICIENT:.0%} of the ideal", "differs")
    text = f"{reach.text} {how} ({reach.note}); {mem.text} per operation"
    c = reach.value
    kind = "holds" if c >= 100 else "partly"
    verdicts = [] if kind == "holds" else [f"only up to C = {sig(c)}"]
    base_mem = cell_of(rows, "io_memory", base) if base else None
    if model != base and base_mem and base_mem.value and mem.value:
        verdicts.append(f"at {sig(mem.value / base_mem.value, 2)}× the memory per operation "
                        f"of {base}")
    return guide_row(approach, model, "concurrency", "yes", text, sources_of(reach, mem),
                     "; ".join(verdicts), kind)


# --------------------------------------------------------------------------- parallelism

def speedup_text(cell, cores):
    """'1.99× on 2 cores (P = 2, W = 1 ms)', or None when the cell has no number."""
    if cell is None or cell.value is None:
        return None
    return f"{cell.text} on {cores} cores ({cell.note})"


def undecidable(approach, model, aspect, claim, cell, cores):
    """The row of a speedup that cannot decide the claim (not measured, or one core), else
    None."""
    if cell is None or cell.value is None:
        return guide_row(approach, model, aspect, claim, cell.text if cell else "not measured",
                         sources_of(cell), "", "unknown")
    if cores < 2:
        return guide_row(approach, model, aspect, claim, speedup_text(cell, cores),
                         sources_of(cell), "cannot tell on one core", "unknown")
    return None


def loop_parallelism(rows, cores, d, shape, model, per_core=()):
    """asyncio: 'parallelism: no'; one loop per core (`per_core`, coro_mt) is C++'s way past it."""
    aspect, key = "parallelism" + shape, shape_key("cpu_speedup", d)
    c = cell_of(rows, key, model)
    row = undecidable(ASYNC, model, aspect, "no", c, cores)
    if row is not None:
        return row
    if c.value >= 1.25:
        return guide_row(ASYNC, model, aspect, "no", speedup_text(c, cores), sources_of(c),
                         "the loop ran faster than one core", "differs")
    mt, mt_model = next(((cell_of(rows, key, m), m) for m in per_core
                         if (cell_of(rows, key, m) or Cell("", ())).value), (None, None))
    extra = f"; one loop per core ({mt_model}) reaches {mt.text}" if mt else ""
    return guide_row(ASYNC, model, aspect, "no", speedup_text(c, cores) + extra,
                     sources_of(c, mt), "one loop uses one core" +
                     ("; C++ can run one loop per core" if extra else ""), "holds")


def threads_parallelism(rows, cores, d, shape, model):
    """threading: 'limited by the GIL': C++ threads have none."""
    aspect = "parallelism" + shape
    c = cell_of(rows, shape_key("cpu_speedup", d), model)
    row = undecidable(THREADING, model, aspect, GIL_CLAIM, c, cores)
    if row is not None:
        return row
    if c.value / cores >= 0.75:
        verdict, kind = (f"C++ has no GIL: its threads run on all {cores} cores "
                         f"({c.text})", "differs")
    elif c.value >= 1.25:
        verdict, kind = (f"threads run in parallel (C++ has no GIL) but reached only "
                         f"{c.text} of {cores}×", "partly")
    else:
        verdict, kind = (f"threads did not scale here ({c.text}), though C++ has no GIL: "
                         "check the machine's load", "partly")
    return guide_row(THREADING, model, aspect, GIL_CLAIM, speedup_text(c, cores),
                     sources_of(c), verdict, kind)


def procs_parallelism(rows, cores, d, shape, model):
    """multiprocessing: 'parallelism: yes', holding at ≥ 75 % of the cores."""
    aspect = "parallelism" + shape
    c = cell_of(rows, shape_key("cpu_speedup", d), model)
    row = undecidable(MULTIPROCESSING, model, aspect, "yes", c, cores)
    if row is not None:
        return row
    ok = c.value / cores >= 0.75
    return guide_row(MULTIPROCESSING, model, aspect, "yes", speedup_text(c, cores),
                     sources_of(c), "" if ok else f"only {c.text} on {cores} cores",
                     "holds" if ok else "partly")


# ------------------------------------------------------------------------------ best for

def claim_verdict(cls, model, loops_ok, threads_note, waits):
    """(verdict, kind) of 'best for' when `model` and others were ranked in `cls`;
    `threads_note(m)`: m's workers are threads of one process (the note on procs' claim)."""
    winners = cls.winners
    kinds = {w: (waits(w) if waits else None) for w in winners}
    wins = f"{' = '.join(winners)} {'wins' if len(winners) == 1 else 'tie'}"
    if model in winners:
        others = [w for w in winners if w != model]
        verdict = f"tied with {', '.join(others)}" if others else f"{model} wins"
        if threads_note and any(threads_note(w) and waits(w) != "loop" for w in others):
            verdict += ": in C++ threads do the same without moving data between processes"
        return verdict, "holds"
    if loops_ok and "loop" in kinds.values():
        return (f"an event loop wins, but {' = '.join(winners)} (loops on more cores) rather "
                "than one loop", "partly")
    if loops_ok and "suspend" in kinds.values():
        return (f"{wins}: tasks that suspend while they wait, so no thread is blocked per "
                "wait, as on a loop, but on every core", "partly")
    behind = 1 - entry_of(cls, model).score / cls.ranking[0].score
    verdict = f"{wins}; {model} is {percent(behind)} behind"
    if threads_note and any(threads_note(w) for w in winners):
        verdict += " (C++ threads are parallel and share memory)"
    return verdict, "partly" if behind <= 0.25 else "differs"


def also_wins(also, model):
    """('; in C++ threads also wins coarse CPU (1.99×)', sources) over the classes `also`."""
    text, sources = "", []
    for other in also:
        if model in other.winners:
            mine = entry_of(other, model)
            text += (f"; in C++ {model} also {'ties' if other.tie else 'wins'} {other.label} "
                     f"({mine.cell.text})")
            sources += list(mine.cell.sources)
    return text, sources


def best_for_claim(approach, model, claim, cls, loops_ok=False, also=(), threads_note=False,
                   aspect="best for", waits=None):
    """The guide's 'best for' claim about `model` against the winners of class `cls`; `also`:
    other classes whose win by `model` the verdict mentions; `waits(m)` says how a winner
    waits (model.WAITS), for the async claim."""
    if cls is None or not cls.ranking:
        return guide_row(approach, model, aspect, claim, "not measured", (), "", "unknown")
    sources = [n for e in cls.ranking[:3] for n in e.cell.sources]
    text = f"{cls.label} ({cls.case}): {cls.summary}"
    if entry_of(cls, model) is None:
        return guide_row(approach, model, aspect, claim, text, sources,
                         f"{model} not measured in this class", "unknown")
    if len(cls.ranking) == 1:
        return guide_row(approach, model, aspect, claim, text, sources,
                         f"only {model} was measured in this class", "unknown")
    verdict, kind = claim_verdict(cls, model, loops_ok, threads_note, waits)
    more, more_sources = also_wins(also, model)
    return guide_row(approach, model, aspect, claim, text, sources + more_sources,
                     verdict + more, kind)


# ------------------------------------------------------------------------------ overhead

def overhead_evidence(rows, classes, dispatch, procs, threads):
    """(parts, sources, worse) for `procs` against `threads` in one dispatch: per task (the
    headline's overhead row, with each model's multiple of its floor) and for moving data
    (the large-payload ipc class); worse[k] is True where procs cost more."""
    key = shape_key("overhead", dispatch)
    po, to = cell_of(rows, key, procs), cell_of(rows, key, threads)
    ipc = class_of(classes, shape_key("ipc_large", dispatch))
    pi, ti = entry_of(ipc, procs), entry_of(ipc, threads)
    parts, sources, worse = [], [], {}
    if po and to and po.value is not None and to.value is not None:
        parts.append(f"per task: {procs} {po.text} vs {threads} {to.text} ({po.note})")
        sources += sources_of(po, to)
        worse["task"] = po.value > to.value * (1 + DEFAULT_TOLERANCE)
    if pi and ti:
        ps, ts = pi.point.v("speedup"), ti.point.v("speedup")
        what = (f"{procs} {pi.cell.text} (speedup {ps:.2f}×) vs {threads} {ti.cell.text}"
                f" (speedup {ts:.2f}×)") if ps is not None and ts is not None else \
            f"{procs} {pi.cell.text} vs {threads} {ti.cell.text}"
        parts.append(f"{ipc.case}: {what}")
        sources += sources_of(pi.cell, ti.cell)
        worse["data"] = pi.score < ti.score * (1 - DEFAULT_TOLERANCE)
    return parts, sources, worse


def gil_overhead(group, dispatch, model):
    """py_threads' per-task overhead against the limit the GIL sets, one core: (wall −
    sequential time) / tasks at its overhead point; the counter's min(P, cores) would charge
    it the core the GIL leaves idle. (µs, point) or None."""
    from .headline import overhead_point
    p = overhead_point(group, model, dispatch) if group is not None else None
    if p is None or None in (p.v("wall_s"), p.v("reference_s"), p.v("tasks")) or not p.v("tasks"):
        return None
    return (p.v("wall_s") - p.v("reference_s")) / p.v("tasks") * 1e6, p


def overhead_claim(rows, classes, dispatch=None, shape="", language="C++", group=None,
                   procs=None, threads=None):
    """multiprocessing: 'high per-task and data-transfer overhead', within one dispatch; in
    Python, py_procs against py_threads, whose per-task overhead is taken against the GIL's
    limit of one core (the counter's min(P, cores) would charge it the idle core)."""
    claim = "high per-task and data-transfer overhead"
    aspect = "overhead" + shape
    if group is not None and (procs is None or threads is None):
        mine = roles(group, python=language != "C++")
        procs, threads = mine.get(MULTIPROCESSING), mine.get(THREADING)
    parts, sources, worse = overhead_evidence(rows, classes, dispatch, procs, threads)
    gil = gil_overhead(group, dispatch, threads) if language != "C++" else None
    po = cell_of(rows, shape_key("overhead", dispatch), procs)
    if gil is not None and po is not None and po.value is not None and parts and \
            parts[0].startswith("per task"):
        us, tp = gil
        parts[0] = (f"per task: {procs} {po.text} vs {threads} {fmt(us, 'us')} against the GIL's "
                    f"limit of one core ({po.note})")
        worse["task"] = po.value > us * (1 + DEFAULT_TOLERANCE)
    if not worse:
        return guide_row(MULTIPROCESSING, procs, aspect, claim, "not measured", (), "",
                         "unknown", language)
    what = {"task": "per task", "data": "for moving data"}
    costly = [what[k] for k, w in worse.items() if w]
    cheap = [what[k] for k, w in worse.items() if not w]
    # Handed the whole range (map), procs sends tasks in chunks as Pool.map does: that, not a
    # cheap process, is why its per-task cost can match threads'.
    chunked = dispatch != "each" and "task" in worse and not worse["task"]
    if costly and not cheap:
        verdict, kind = f"{procs} costs more than {threads} {' and '.join(costly)}", "holds"
    elif costly:
        verdict, kind = (f"{procs} costs more than {threads} {' and '.join(costly)}, not "
                         f"{' and '.join(cheap)}" + (" (tasks go in chunks, as Pool.map sends "
                                                     "them)" if chunked else ""), "partly")
    else:
        verdict, kind = f"{procs} was as cheap as {threads} {' and '.join(cheap)}", "differs"
    return guide_row(MULTIPROCESSING, procs, aspect, claim, "; ".join(parts), sources,
                     verdict, kind, language)


# ------------------------------------------------------------------------------- the table

HOW = {ASYNC: "on one thread", THREADING: "with one thread each",
       MULTIPROCESSING: "with one process each"}


def async_rows(group, rows, classes, m):
    spin = spin_cases(group, "cpu.spin")
    model = m[ASYNC]
    return [concurrency_row(rows, ASYNC, model, HOW[ASYNC], base=model)] + \
        [loop_parallelism(rows, group.cores, d, shape, model, loops_per_core(group, model))
         for d, shape in spin] + \
        [best_for_claim(ASYNC, model, "I/O-bound work at high concurrency",
                        class_of(classes, "io_high"), loops_ok=True, waits=group.waits)]


def threading_rows(group, rows, classes, m):
    spin = spin_cases(group, "cpu.spin")
    model = m[THREADING]
    return [concurrency_row(rows, THREADING, model, HOW[THREADING], base=m.get(ASYNC))] + \
        [threads_parallelism(rows, group.cores, d, shape, model) for d, shape in spin] + \
        [best_for_claim(THREADING, model, "I/O-bound work with blocking libraries",
                        class_of(classes, "io_low"), also=shaped(classes, "cpu_coarse"))]


def multiprocessing_rows(group, rows, classes, m):
    def coarse(d):
        return class_of(classes, shape_key("cpu_coarse", d)) or \
            class_of(classes, shape_key("cpu_real", d))
    model = m[MULTIPROCESSING]
    return [concurrency_row(rows, MULTIPROCESSING, model, HOW[MULTIPROCESSING], base=m.get(ASYNC))] + \
        [procs_parallelism(rows, group.cores, d, shape, model)
         for d, shape in spin_cases(group, "cpu.spin")] + \
        [best_for_claim(MULTIPROCESSING, model, "CPU-bound work", coarse(d),
                        threads_note=lambda w: threaded(group, w), waits=group.waits,
                        aspect="best for" + shape)
         for d, shape in spin_cases(group, "cpu.spin", "cpu.real")] + \
        [overhead_claim(rows, classes, d, shape, procs=model, threads=m.get(THREADING))
         for d, shape in spin_cases(group, "cpu.spin", "ipc")]


# ------------------------------------------------------------------- the Python arm's rows



def python(row):
    return GuideRow(row.approach, row.model, row.aspect, row.claim, row.measured, row.verdict,
                    row.kind, "Python")


def py_parallelism(rows, cores, approach, model, d, shape):
    """The Python arm's speedup on cpu.spin for `approach`'s model: asyncio and threading
    'no' (one loop; the GIL), multiprocessing 'yes'."""
    aspect = "parallelism" + shape
    claim = {ASYNC: "no", THREADING: GIL_CLAIM, MULTIPROCESSING: "yes"}[approach]
    c = cell_of(rows, shape_key("cpu_speedup", d), model)
    row = undecidable(approach, model, aspect, claim, c, cores)
    if row is not None:
        return python(row)
    if approach == MULTIPROCESSING:
        ok = c.value / cores >= 0.75
        return guide_row(approach, model, aspect, claim, speedup_text(c, cores), sources_of(c),
                         "" if ok else f"only {c.text} on {cores} cores", "holds" if ok else "partly",
                         "Python")
    serial = c.value < 1.25
    why = "the GIL: one thread runs Python at a time" if approach == THREADING else "one loop uses one core"
    return guide_row(approach, model, aspect, claim, speedup_text(c, cores), sources_of(c),
                     why if serial else f"ran {c.text}, faster than one core", "holds" if serial else "differs",
                     "Python")


def py_best_for(approach, model, claim, cls, aspect="best for"):
    """The claim among the Python models only (a ranking never puts one language's model
    against the other's: their work is calibrated to the same grain, not the same code)."""
    mine = list(cls.python) if cls and cls.python else \
        [e for e in (cls.ranking if cls else ()) if e.model.startswith("py_")]
    if not mine or model not in [e.model for e in mine]:
        return guide_row(approach, model, aspect, claim, "not measured", (), "", "unknown", "Python")
    best = mine[0]
    tol = cls.tolerance
    winners = [e.model for e in mine if e.score >= best.score * (1 - tol)]
    text = "; ".join(f"{e.model} {e.cell.text}" for e in mine[:3]) + f" ({cls.case})"
    sources = [n for e in mine[:3] for n in e.cell.sources]
    if model in winners:
        others = [w for w in winners if w != model]
        return guide_row(approach, model, aspect, claim, text, sources,
                         f"tied with {', '.join(others)}" if others else f"{model} wins", "holds", "Python")
    behind = 1 - next(e for e in mine if e.model == model).score / best.score
    return guide_row(approach, model, aspect, claim, text, sources,
                     f"{' = '.join(winners)} {'wins' if len(winners) == 1 else 'tie'}; {model} is "
                     f"{percent(behind)} behind", "partly" if behind <= 0.25 else "differs", "Python")


def python_io_class(group, which):
    """The Python models' own io.sleep case (their lowest or highest concurrency, its longest
    wait), ranked among them, for a 'best for' claim whose C++ case the Python arm did not run
    (the full suite's C++ low point, C = 10 and L = 1 ms, is not in the Python grid)."""
    import functools
    from ..units import param
    from .ranking import rank, show_io
    pts = [p for p in group.select("io.sleep") if p.model.startswith("py_")]
    if not pts:
        return None
    pick = min if which == "low" else max
    c = pick(p.get("concurrency") for p in pts)
    lat = max(p.get("latency_us") for p in pts if p.get("concurrency") == c)
    return rank(group, f"io_{which}_python", f"{which}-concurrency I/O",
                f"io.sleep, {param('concurrency', c)}, {param('latency_us', lat)}", "io.sleep",
                functools.partial(show_io, group), DEFAULT_TOLERANCE, concurrency=c, latency_us=lat)


def python_rows(group, rows, classes, cpp_rows):
    """For each C++ row, the same claim measured on the Python arm's model (where the run has
    one): its own numbers and its own verdict."""
    if not any(m.startswith("py_") for m in group.models):
        return []
    out = []
    py = roles(group, python=True)
    for r in cpp_rows:
        a = r.approach
        if a not in py:
            continue
        if r.aspect == "concurrency":
            out.append(python(concurrency_row(rows, a, py[a], HOW[a], base=py.get(ASYNC))))
        elif r.aspect.startswith("parallelism"):
            d = next((d for d, shape in spin_cases(group, "cpu.spin") if "parallelism" + shape == r.aspect), None)
            out.append(py_parallelism(rows, group.cores, a, py[a], d, r.aspect[len("parallelism"):]))
        elif r.aspect.startswith("best for"):
            shape = r.aspect[len("best for"):]
            d = next((d for d, sh in spin_cases(group, "cpu.spin", "cpu.real") if sh == shape), None)
            cls = {ASYNC: class_of(classes, "io_high"), THREADING: class_of(classes, "io_low"),
                   MULTIPROCESSING: class_of(classes, shape_key("cpu_coarse", d))}[a]
            if a != MULTIPROCESSING and not (cls and (cls.python or any(
                    e.model.startswith("py_") for e in cls.ranking))):
                cls = python_io_class(group, "high" if a == ASYNC else "low") or cls
            out.append(py_best_for(a, py[a], r.claim, cls, r.aspect))
        elif r.aspect.startswith("overhead"):
            shape = r.aspect[len("overhead"):]
            d = next((d for d, sh in spin_cases(group, "cpu.spin", "ipc") if sh == shape), None)
            out.append(overhead_claim(rows, classes, d, shape, "Python", group,
                                      py.get(MULTIPROCESSING), py.get(THREADING)))
        else:
            out.append(guide_row(a, py[a], r.aspect, r.claim, "not measured in Python", (), "",
                                 "unknown", "Python"))
    return out


def guide(group, rows, classes):
    """The guide's comparison table, claim by claim, beside what was measured here: the C++
    models' rows, then (where the run has the Python arm) the same claims on CPython."""
    m = roles(group)
    cpp = (async_rows(group, rows, classes, m) if ASYNC in m else []) + \
        (threading_rows(group, rows, classes, m) if THREADING in m else []) + \
        (multiprocessing_rows(group, rows, classes, m) if MULTIPROCESSING in m else [])
    return cpp + python_rows(group, rows, classes, cpp)
