"""The benchmarks that decide the first screen's verdicts: for every workload class, every
model within NEAR of the best (a single run's noise can reorder them) and the model right
behind those (whose gap is the margin). scripts/bench runs these
again (--benchmark_repetitions) so that even the default run measures the spread of what its
verdicts say, and a tie or a lead is called against that spread, not a fixed tolerance.

    /usr/bin/python3 -m concbench_report.deciding RESULTS.json...   prints a --benchmark_filter
Exit status 0 (nothing printed when no class was decided), 2 on bad input."""
import re
import sys

from . import decide, load, model


NEAR = 0.2


def deciding_names(paths):
    """The names (as in the JSON, without /real_time) of the points the verdicts rest on."""
    names = []
    for g in model.group_runs(load.load_runs(paths)):
        for cls in decide.best_for(g):
            top = cls.ranking[0].score if cls.ranking else 0
            near = [e for e in cls.ranking if e.model in cls.winners or e.score >= (1 - NEAR) * top]
            behind = [e for e in cls.ranking if e not in near][:1]
            for e in near + behind:
                if e.point is not None and not e.model.startswith("py_"):
                    names.append(e.point.name)
    return list(dict.fromkeys(names))


def as_filter(names):
    """One regular expression that selects exactly `names`."""
    return "^(" + "|".join(re.escape(n.removesuffix("/real_time")) for n in names) + ")(/real_time)?$"


def main(argv):
    if not argv:
        print("usage: python3 -m concbench_report.deciding RESULTS.json...", file=sys.stderr)
        return 2
    try:
        names = deciding_names(argv)
    except load.InputError as e:
        print(f"concbench_report.deciding: {e}", file=sys.stderr)
        return 2
    if names:
        print(as_filter(names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
