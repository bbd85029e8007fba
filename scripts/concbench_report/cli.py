"""The command: arguments, the pipeline, the files written. Exit status 0 on success, 2 on bad
input (a message naming the file or flag, what was expected and what was found) or a missing
library (deps.py).

Only the standard library is imported at the top: jinja2 (render) and matplotlib (plots) once
deps has checked them, so that a missing one is a message, never a traceback."""
import argparse
import pathlib
import sys

from . import decide, deps, load, model

EPILOG = """\
writes report.md (GitHub Markdown), report.html (one self-contained page) and every plot as
PNG and SVG into the output folder, then prints the paths of the two reports.
Several files from one host, revision and core count are merged (a benchmark in two files
counts as two repetitions); files from different machines or builds are compared side by side.
exit status: 0 written; 2 bad input (not JSON, not a concbench run, no benchmarks, a field of
the wrong type, mixed schema versions, an output folder that cannot be written, a bad flag) or
a Python library missing (numpy, matplotlib, jinja2: ./scripts/setup installs them)."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def parse_args(argv):
    p = Parser(prog="scripts/report", description="concbench's comparison report from result "
               "JSON files.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="RESULTS.json",
                   help="files written by concbench --out (e.g. results/latest.json)")
    p.add_argument("-o", "--out", metavar="DIR",
                   help="output folder (default: report/ beside the first input)")
    p.add_argument("--tolerance", type=float, default=decide.DEFAULT_TOLERANCE, metavar="F",
                   help="relative difference within which single runs tie (default %(default)s)")
    p.add_argument("--latency-target-ms", type=float, default=decide.LATENCY_TARGET_MS, metavar="MS",
                   help="http's open loop: a model's capacity is the highest rate whose p99 "
                        "latency stays under this (default %(default)s)")
    args = p.parse_args(argv)
    if not args.latency_target_ms > 0:
        p.error(f"--latency-target-ms {args.latency_target_ms}: expected a positive number, e.g. 10")
    if not 0 <= args.tolerance < 1:
        p.error(f"--tolerance {args.tolerance}: expected a fraction in [0, 1), e.g. 0.05")
    return args


def build(paths, outdir, tolerance=decide.DEFAULT_TOLERANCE, latency_target_ms=None):
    """Loads `paths`, writes the report into `outdir`; returns (md path, html path).
    Raises load.InputError on bad input."""
    from . import plots  # matplotlib is slow to import: only once the input is known good
    from . import render, scenario_plots

    runs = load.load_runs(paths)
    load.check_output_dir(outdir)
    groups = model.group_runs(runs)
    for g in groups:
        for name, why in g.unparsed:
            print(f"scripts/report: warning: {why}; left out", file=sys.stderr)
    decisions = [decide.decide(g, tolerance, latency_target_ms or decide.LATENCY_TARGET_MS)
                 for g in groups]
    several = len(groups) > 1
    figures = {d.group.label: plots.make_plots(d, outdir, f"{d.group.label}-" if several else "")
               for d in decisions}
    scenario_figures = {d.group.label: scenario_plots.make_scenario_plots(
        d.group, outdir, f"{d.group.label}-" if several else "") for d in decisions}
    v = render.view(decisions, figures, scenario_figures)
    md = pathlib.Path(outdir, "report.md")
    html = pathlib.Path(outdir, "report.html")
    md.write_text(render.render_markdown(v), encoding="utf-8")
    html.write_text(render.render_html(v), encoding="utf-8")
    return md, html


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problem = deps.missing()
    if problem:
        print(deps.message(*problem), file=sys.stderr)
        return 2
    outdir = args.out or str(pathlib.Path(args.inputs[0]).resolve().parent / "report")
    try:
        md, html = build(args.inputs, outdir, args.tolerance, args.latency_target_ms)
    except load.InputError as e:
        print(f"scripts/report: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # the folder was proven writable: a full disk, a quota, a limit
        where = f" ({e.filename})" if e.filename else ""
        print(f"scripts/report: cannot write the report in {outdir}: {e.strerror or e}{where}; "
              f"what is there is incomplete", file=sys.stderr)
        return 74  # EX_IOERR, as concbench when it cannot write its results
    print(md)
    print(html)
    return 0
