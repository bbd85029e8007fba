"""The benchmarks that decide the first screen's verdicts: for every workload class, every
model within NEAR of the best (a single run's noise can reorder them) and the model right
behind those (whose gap is the margin). scripts/bench runs these
again (--benchmark_repetitions) so that even the default run measures the spread of what its
verdicts say, and a tie or a lead is called against that spread, not a fixed tolerance.

    /usr/bin/python3 -m concbench_report.deciding [--python] RESULTS.json...
prints a --benchmark_filter of the C++ arm's points (--python: the Python arm's, whose models
are named py_*). Exit status 0 (nothing printed when no class was decided), 2 on bad input."""
import re
import sys

from . import decide, load, model


NEAR = 0.2


def deciding_names(paths, python=False):
    """The names (as in the JSON, without /real_time) of the points the verdicts rest on, of
    the C++ arm or (python) the Python arm."""
    names = []
    for g in model.group_runs(load.load_runs(paths)):
        for cls in decide.best_for(g):
            for ranking in (cls.ranking, cls.python):  # each sorted, best first
                entries = [e for e in ranking if e.point is not None and e.model.startswith("py_") == python]
                if not entries:
                    continue
                top = entries[0].score
                near = [e for e in entries if e.model in cls.winners or e.score >= (1 - NEAR) * top]
                behind = [e for e in entries if e not in near][:1]
                names += [e.point.name for e in near + behind]
    return list(dict.fromkeys(names))


def as_filter(names):
    """One regular expression that selects exactly `names`."""
    return "^(" + "|".join(re.escape(n.removesuffix("/real_time")) for n in names) + ")(/real_time)?$"


def main(argv):
    python = "--python" in argv
    argv = [a for a in argv if a != "--python"]
    if not argv:
        print("usage: python3 -m concbench_report.deciding [--python] RESULTS.json...", file=sys.stderr)
        return 2
    try:
        names = deciding_names(argv, python)
    except load.InputError as e:
        print(f"concbench_report.deciding: {e}", file=sys.stderr)
        return 2
    if names:
        print(as_filter(names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
