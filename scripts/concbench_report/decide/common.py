"""What every section of the decisions shares: the Cell and Row every table is made of, the
constants the templates print, the builders of a cell from a point (measured, absent,
problem_cell) and the look-ups one section makes into another's output. Pure functions."""
import re
from dataclasses import dataclass

from ..series import shape_key, shapes
from ..units import fmt, param, percent, sig

DEFAULT_TOLERANCE = 0.05
BEYOND_TOLERANCE = 0.05   # efficiency above 1 + this is beyond the physical limit
SATURATED = "⊘"          # marks a point whose server was saturated
SATURATED_WHY = ("the server it loaded (io.echo's echo server, http's HTTP server, db's "
                 "PostgreSQL) used ≥ 90 % of the CPU left to it during the run, so the point "
                 "measures the server, not the model: it is shown but ranks nothing and decides "
                 "no verdict")
# What each dispatch means, for the 'decided by' column.
DISPATCH_WORDS = {"map": "the whole range handed to the model, which chunks it (a data job)",
                  "each": "one task handed to the model at a time (a server)",
                  None: "dispatch not in the names (an older file): its own shape"}
REMEDY = ("rerun with --benchmark_repetitions=10 (median and spread) or "
          "--benchmark_min_time=2, on an otherwise idle machine")


@dataclass(frozen=True)
class Cell:
    """One table cell: a measured number with its unit (text), the benchmark names it comes
    from (sources), and a note saying where on the sweep it was taken."""
    text: str
    sources: tuple = ()
    note: str = ""
    status: str = "ok"      # ok | none (nothing qualifies) | absent (not run) | skipped | error | missing
    value: float = None
    unstable: bool = False


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    how: str                # how the row is measured, one sentence
    cells: dict             # model -> Cell
    dispatch: str = None    # the one dispatch its cells share (None: none or unknown)


# ---------------------------------------------------------------------------------- cells

def short_error(message, limit=70):
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def spread(stat):
    """' ±1.2 %' (the coefficient of variation) for repetitions, '' for a single run."""
    if stat is None or stat.n < 2 or stat.cv is None:
        return ""
    return f" ±{percent(stat.cv)}"


def beyond(point):
    """More efficient than the physical limit allows: the limit or the benchmark is wrong."""
    return (point.v("efficiency") or 0) > 1 + BEYOND_TOLERANCE


def measured(group, point, counter, note="", also=""):
    """The cell of `counter` in `point`: its median with unit (and spread), or why not.
    `also`: the same value said another way, printed right after it (' = 3.1× a floor'), so
    that the marks that follow still close the cell."""
    if point is None:
        return Cell("not measured", status="absent", note=note)
    if not point.ok:
        return problem_cell(point)
    stat = point.stats.get(counter)
    if stat is None:
        return Cell(f"no {counter}", (point.name,), note, status="missing")
    text = fmt(stat.value, group.unit(counter)) + spread(stat) + also + _marks(point)
    return Cell(text, (point.name,), _notes(point, stat, note), value=stat.value,
                unstable=point.unstable)


def _marks(point):
    """' ⚠' for an unstable or impossible result, ' ⊘' for a saturated server."""
    marks = " ⚠" if point.unstable or beyond(point) else ""
    return marks + (f" {SATURATED}" if point.saturated else "")


def _notes(point, stat, note):
    """`note`, then what a reader must know before trusting the number."""
    parts = [note] if note else []
    if stat.n > 1:
        parts.append(f"median of {stat.n}")
    if beyond(point):
        parts.append("beyond the physical limit: see Trust")
    if point.saturated:
        parts.append("embedded server saturated: measures the server")
    return "; ".join(parts)


def reason(point):
    """The error or skip message without its 'skipped:' and without the benchmark's own name
    (the cell already cites it)."""
    text = re.sub(r"^skipped:\s*", "", point.error)
    for name in (point.name, point.name.removesuffix("/real_time")):
        text = text.removeprefix(name + ": ").removeprefix(name + ":")
    return text.strip()


def problem_cell(point):
    kind = "skipped" if point.skipped else "error"
    return Cell(f"{kind}: {short_error(reason(point), 60)}", (point.name,), status=kind)


def absent(group, workload, model, **params):
    """Why `model` has no result: the skip or error of a matching benchmark, the other dispatch
    being the only one it runs (thread_per_task: each; procs_coro: map), or not run."""
    bad = group.select(workload, model, ok=False, **params)
    if bad:
        return problem_cell(bad[0])
    if "dispatch" in params and not group.select(workload, model, ok=None, **params):
        others = [d for d in shapes(group, workload) if d != params["dispatch"] and d is not None
                  and group.select(workload, model, ok=None, dispatch=d)]
        if others:
            return Cell(f"dispatch: {' and '.join(others)} only", status="absent",
                        note=f"{model} is not run with dispatch: {params['dispatch']}")
    return Cell("not measured", status="absent")


def where(point, *keys):
    """'C = 100, L = 10 ms' from the name parameters `keys` of `point`."""
    return ", ".join(param(k, point.get(k)) for k in keys if k in dict(point.params))


def workers_note(point):
    return "one loop" if "workers" not in dict(point.params) else f"P = {sig(point.get('workers'))}"


# ------------------------------------------------------------------------------- look-ups
# One section reads another's output (the guide reads the headline's cells and the ranking's
# classes; the titles read both) only through these, so that none depends on list positions.

def row_cells(rows, key):
    """{model: Cell} of the headline row `key`; {} when there is none."""
    for r in rows:
        if r.key == key:
            return r.cells
    return {}


def cell_of(rows, key, model):
    """The Cell of `model` in headline row `key`, or None."""
    return row_cells(rows, key).get(model)


def class_of(classes, key):
    return next((c for c in classes if c.key == key), None)


def shaped(classes, base):
    """Every class of `base` ('cpu_coarse'), one per dispatch."""
    return [c for c in classes if c.key == shape_key(base, c.dispatch)]


def entry_of(cls, model):
    """`model`'s Entry in the ranking of class `cls`, or None."""
    if cls is None:
        return None
    return next((e for e in cls.ranking + cls.python if e.model == model), None)


def sources_of(*cells):
    """The benchmark names of `cells` (None skipped), in order."""
    return tuple(n for c in cells if c is not None for n in c.sources)


def models_text(models):
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join(models) if len(models) <= 2 else ", ".join(models[:-1]) + " and " + models[-1]
