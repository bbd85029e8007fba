"""Decide: from one Group's Points to what the report says, one module per section:

    common.py    the Cell and Row of every table, shared constants, cell builders, look-ups
    headline.py  the headline table (one column per model)
    ranking.py   which model for my workload: classes, rankings, winners, ties
    guide.py     the guide's claims with a verdict
    floors.py    machine floors, and per-task overhead as a multiple of the model's floor
    trust.py     Little's law, beyond the limit, errors and skips, gaps
    titles.py    each plot's title
    verdicts.py  the first screen: one line per class and per question (use, margin, cost, how sure)
    scenarios.py the guide's scenarios (questions 1, 3-6, 9, 10): question, answer, table

Pure functions over plain data; every number keeps the benchmark name it came from. Models
are compared only within one dispatch (model.DISPATCHES): a row, class, guide row, title or
plot of cpu.spin, cpu.real or ipc exists once per dispatch measured, its key suffixed with it
(cpu_speedup_map) and its label saying it. A point whose server was saturated
(Point.saturated) is shown, marked ⊘, and never ranked.

The names below are this package's public face (cli, render, plots and the tests use them):
they stay importable as decide.<name> whichever module holds them. NOTE: decide.headline,
decide.guide and decide.titles are the functions (bound here after their modules load, as the
single module had them); their modules are reached as `from .guide import ...`."""
from dataclasses import dataclass, field

from ..series import EFFICIENT
from .common import (BEYOND_TOLERANCE, DEFAULT_TOLERANCE, DISPATCH_WORDS, REMEDY, SATURATED,
                     SATURATED_WHY, Cell, Row, absent, measured, problem_cell, reason,
                     short_error, spread, where, workers_note)
from .floors import FloorRow, floor_rows, floor_why, multiple
from .guide import GuideRow, best_for_claim, guide, overhead_claim
from .headline import (headline, io_reach, overhead_point, reach_cell, reach_detail,
                       speedup_point, start_point)
from .ranking import (ClassResult, Entry, best_for, best_for_row, io_case, rank, saturated_cell,
                      score, summarize, tolerance)
from .scenarios import LATENCY_TARGET_MS, Claim, Section, capacity, scenarios
from .titles import nested_title, speedup_title, titles
from .verdicts import Verdict, verdicts
from .trust import (LITTLE_TOLERANCE, LittleCheck, beyond_limit, gaps, little, little_reason,
                    little_summary, problems, remedy_command)

__all__ = [
    "BEYOND_TOLERANCE", "Claim", "DEFAULT_TOLERANCE", "LATENCY_TARGET_MS", "Section", "capacity",
    "scenarios", "DISPATCH_WORDS", "EFFICIENT", "LITTLE_TOLERANCE",
    "REMEDY", "SATURATED", "SATURATED_WHY", "Cell", "ClassResult", "Decisions", "Entry", "Verdict", "verdicts",
    "FloorRow", "GuideRow", "LittleCheck", "Row", "absent", "best_for", "best_for_claim",
    "best_for_row", "beyond_limit", "decide", "floor_rows", "floor_why", "gaps", "guide",
    "headline", "io_case", "io_reach", "little", "little_reason", "little_summary", "measured",
    "multiple", "nested_title", "overhead_claim", "overhead_point", "problem_cell", "problems",
    "rank", "reach_cell", "reach_detail", "reason", "remedy_command", "saturated_cell", "score",
    "short_error", "speedup_point", "speedup_title", "spread", "start_point", "summarize",
    "titles", "tolerance", "where", "workers_note",
]


@dataclass
class Decisions:
    group: object
    headline: list = field(default_factory=list)
    best_for: list = field(default_factory=list)
    guide: list = field(default_factory=list)
    little: list = field(default_factory=list)
    unstable: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    titles: dict = field(default_factory=dict)
    beyond: list = field(default_factory=list)
    saturated: list = field(default_factory=list)   # points whose server was saturated
    tolerance: float = DEFAULT_TOLERANCE
    floors: list = field(default_factory=list)      # FloorRows, in the file's order
    floors_why: str = ""                            # why there are none ('' when measured)
    scenarios: list = field(default_factory=list)   # Sections, in the guide's order
    verdicts: list = field(default_factory=list)    # Verdicts of the classes (first screen)
    scenario_verdicts: list = field(default_factory=list)  # Verdicts of the scenarios


def decide(group, default_tol=DEFAULT_TOLERANCE, latency_target_ms=LATENCY_TARGET_MS):
    """Everything the report says about one group. The headline comes first: the ranking's
    'best for' row joins it, and the guide and the titles read both."""
    rows = headline(group)
    classes = best_for(group, default_tol)
    rows.append(best_for_row(group, classes))
    sections = scenarios(group, latency_target_ms)
    class_v, scenario_v = verdicts(group, classes, sections)
    return Decisions(
        group=group, headline=rows, best_for=classes, guide=guide(group, rows, classes),
        little=little(group), unstable=[p for p in group.points if p.ok and p.unstable],
        problems=problems(group), gaps=gaps(group, rows, classes), beyond=beyond_limit(group),
        titles=titles(group, rows, classes), tolerance=default_tol,
        saturated=[p for p in group.points if p.ok and p.saturated],
        floors=floor_rows(group), floors_why=floor_why(group), scenarios=sections,
        verdicts=class_v, scenario_verdicts=scenario_v)
