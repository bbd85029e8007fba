"""Machine floors (the guide's question 3: what one unit costs): the floors the run measured
before its benchmarks (context concbench_floors), and a model's per-task overhead as a multiple
of its own floor, the one its kind names (concbench_model_kinds[m].floor): the unit the model
is built on (a thread switch for a thread pool, a process switch for a process pool). Near 1×
or above, each task pays a whole unit; well below 1×, the model amortises it (measured: a busy
pool's workers take the next task without sleeping, and map hands over chunks), so the floor is
shown as a yardstick, never as a bound a result is flagged for crossing. Both the floors and
which model each bounds are read from the file, never from a table here."""
from dataclasses import dataclass

from ..model import floors_state
from ..units import fmt, sig, to_seconds

PREDATES = ("This run predates machine floors: its context has no concbench_floors, so no "
            "per-task overhead is given as a multiple of one.")
EMPTY = ("This run recorded no machine floors (concbench_floors is empty: measuring them "
         "failed), so no per-task overhead is given as a multiple of one.")


@dataclass(frozen=True)
class FloorRow:
    """One line of the floors table."""
    name: str
    text: str             # the value with its unit
    how: str              # how it was measured, as the file says
    models: tuple         # the models whose floor it is, in the report's model order


def floor_rows(group):
    """Every floor of the group's run, in the file's order, with the models it bounds."""
    return [FloorRow(f.name, fmt(f.value, f.unit or None), f.how,
                     tuple(m for m in group.models if group.floor_of(m) == f.name))
            for f in group.floors.values()]


def floor_why(group):
    """'' when the run measured its floors, else the sentence the section prints instead."""
    state = floors_state(group.context)
    return {"measured": "", "predates": PREDATES, "empty": EMPTY}[state]


def multiple(group, model, value, unit):
    """(also, note) for a per-task overhead of `value` `unit` on `model`: also is
    ' = 3.1× thread_switch_us' (the overhead over the model's floor), note says why there is
    none when the floors were measured but this one cannot be divided by. Both '' when the
    run has no floors at all (the floors section says so once) or the model names none."""
    name = group.floor_of(model)
    if name is None or floor_why(group):
        return "", ""
    floor = group.floors.get(name)
    if floor is None:
        return "", f"its floor {name} is not in this run's concbench_floors"
    if floor.value is None:
        return "", f"its floor {name} has no value in this run (null)"
    per, mine = to_seconds(floor.value, floor.unit), to_seconds(value, unit)
    if per is None or per <= 0 or mine is None:
        return "", f"no multiple of {name}: {fmt(floor.value, floor.unit or None)} and " \
                   f"{fmt(value, unit)} are not two durations"
    if mine <= 0:
        # Faster than the sequential reference: the overhead is within the noise, and a
        # negative multiple of a floor would mean nothing.
        return "", f"≤ 0, within the noise: no multiple of {name}"
    return f" = {sig(mine / per, 2)}× {name}", ""


def floor_gaps(group):
    """What the multiples needed but the run lacks: a floor a model names that the run did not
    measure, or one in a unit that is not a duration."""
    if floor_why(group):
        return []
    floors = group.floors
    out = []
    for m in group.models:
        name = group.floor_of(m)
        if name is not None and name not in floors:
            out.append(f"concbench_model_kinds names {name} as {m}'s floor, but "
                       "concbench_floors has no such floor")
    for f in floors.values():
        if to_seconds(1.0, f.unit) is None:
            out.append(f"concbench_floors.{f.name} has unit {f.unit!r}, not a duration (s, ms, "
                       "us, ns): no overhead is given as a multiple of it")
    return out
