"""scripts/compare BASELINE.json CANDIDATE.json [options]: the command. Parses flags, runs
load -> decide -> render, writes the outputs, and turns InputError into exit status 2."""
import argparse
import pathlib
import sys

# Only the standard library at the top: numpy and scipy (decide -> stats) are imported once
# main() has checked them, so that a missing one is exit status 2 with its fix, in the
# --markdown and --json outputs too, never a traceback.
from . import deps, load, render
from .settings import (DEFAULT_MIN_EFFECT, Settings, SettingsError, load_config, parse_alpha,
                       parse_correction, parse_metrics, parse_min_effect_flag,
                       parse_threshold_flag)

EPILOG = f"""\
What counts: a benchmark x metric regressed when Mann–Whitney's U test over the repetitions
is significant after correcting for every test made (Holm by default), and the change (the
Hodges–Lehmann ratio of candidate to baseline) is worse than the minimum effect. Metrics:
time (real time), cpu (user + system CPU of every thread and worker process), rss (peak RSS),
all better when lower; instructions (scripts/instructions files): a plain relative threshold.
Default minimum effects: {', '.join(f'{k} {v * 100:g}%' for k, v in DEFAULT_MIN_EFFECT.items())}.

Verdicts: regressed, improved, unchanged (the interval lies within the minimum effect, or the
change is significant but smaller), too noisy to tell (with the spread and how many
repetitions would settle it).

Output: Markdown on stdout (and in --markdown FILE), verdicts in --json FILE, warnings on
stderr. Exit status: 0 nothing regressed, 1 something regressed, 2 bad input (not a concbench
file, a field of the wrong type, a name it cannot read, mismatched suites, core counts or
build types, no common benchmark, too few repetitions for any result to be significant, bad
flags) or numpy or scipy missing (./scripts/setup installs them).

Benchmarks pair by their whole name, dispatch included: a dispatch:map result is never
compared with a dispatch:each one, nor with a name from before names carried dispatch.

History: scripts/compare history FILE... (a branch's results files, oldest first) finds the
change points of every benchmark and metric (E-divisive means and a t-test, as Hunter and
Apache Otava do), and calls one the machine's where its floors moved at the same run;
scripts/compare history --help says more.

How often is it wrong on your runner? scripts/ab HEAD HEAD --calibrate 20 --rounds 5 [filter]
runs the selection 8 x rounds times and draws 20 A/A comparisons and 20 A/B comparisons per
slowdown (2, 5, 10, 20 %) from the runs: false regressions, "too noisy" and detection rates
(scripts/compare calibrate RUN... does the drawing alone; docs/calibration.md has this
machine's).

Examples:
  scripts/compare results/a.json results/b.json
  scripts/compare history ci-artifacts/*.json --json changes.json
  scripts/compare a.json b.json --min-effect 3% --threshold 'io\\.echo/=10%' --json v.json
  scripts/compare a.json b.json --threshold '^start/=time:20%,rss:10%' --metrics time,rss
  scripts/compare a.json b.json --config compare.toml

A config file (JSON with the same keys, or TOML when named .toml); flags override it:
  alpha = 0.05
  correction = "holm"
  metrics = ["time", "cpu", "rss"]
  min_effect = {{ time = "5%", cpu = "5%", rss = "10%" }}
  [[threshold]]                  # later rules win; --threshold flags come after these
  pattern = 'io\\.echo/'
  min_effect = "10%"             # or {{ time = "10%", rss = "20%" }}
"""


def parser():
    p = argparse.ArgumentParser(
        prog="scripts/compare", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Regression verdict on two concbench results files (run each with "
                    "--benchmark_repetitions=N, or use scripts/ab, which interleaves the runs).")
    p.add_argument("baseline", help="results of the old revision (concbench --out FILE)")
    p.add_argument("candidate", help="results of the new revision")
    p.add_argument("--alpha", help="significance level for the family of tests (default 0.05)")
    p.add_argument("--correction", help="for the number of tests: holm (default: family-wise "
                   "error), bh (Benjamini–Hochberg false discovery rate) or none")
    p.add_argument("--min-effect", action="append", default=[], metavar="[METRIC=]PCT",
                   help="smallest change that counts, for every metric (5%%) or one "
                        "(rss=10%%); repeatable")
    p.add_argument("--threshold", action="append", default=[], metavar="PATTERN=PCT",
                   help="minimum effect for benchmarks whose name matches the regular "
                        "expression: 'io\\.echo/=10%%' or 'io\\.echo/=time:10%%,rss:20%%'; "
                        "repeatable, the last match wins")
    p.add_argument("--metrics", help="which to compare, from time,cpu,rss,instructions "
                   "(default all that the files have)")
    p.add_argument("--config", metavar="FILE", help="settings from a JSON or .toml file; "
                   "flags override it")
    p.add_argument("--allow-mismatch", action="store_true",
                   help="compare files of different suites, core counts or build types (warns)")
    p.add_argument("--markdown", metavar="FILE", help="also write the Markdown summary here")
    p.add_argument("--json", metavar="FILE", help="write every verdict here as JSON")
    return p


def settings_from(args):
    s = Settings()
    if args.config:
        load_config(args.config, s)
    if args.alpha is not None:
        s.alpha = parse_alpha(args.alpha)
    if args.correction is not None:
        s.correction = parse_correction(args.correction)
    if args.metrics is not None:
        s.metrics = parse_metrics(args.metrics)
    for text in args.min_effect:
        s.min_effect.update(parse_min_effect_flag(text))
    s.rules += [parse_threshold_flag(t) for t in args.threshold]
    s.allow_mismatch = args.allow_mismatch
    return s


def _write(path, text, flag):
    try:
        pathlib.Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        print(f"compare: {flag} {path}: cannot write it ({e.strerror or e})", file=sys.stderr)
        return False
    return True


def main(argv=None):
    """Runs the command; returns its exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "history":  # scripts/compare history FILE...: change points
        from . import history
        return history.main(argv[1:])
    if argv and argv[0] == "calibrate":  # scripts/compare calibrate RUN...: its error rates
        from . import calibrate
        return calibrate.main(argv[1:])
    args = parser().parse_args(argv)  # exits 2 on unknown flags, as bad input
    try:
        problem = deps.missing()
        if problem:
            raise deps.MissingDependency(deps.message(*problem))
        from . import decide
        settings = settings_from(args)
        base = load.load(args.baseline, "baseline")
        cand = load.load(args.candidate, "candidate")
        report = decide.compare(base, cand, settings)
    except (SettingsError, load.InputError, deps.MissingDependency) as e:
        message = str(e)
        print(f"compare: {message}", file=sys.stderr)
        # Why there is no verdict, where CI looks for one.
        if args.markdown:
            _write(args.markdown, render.error_markdown(message), "--markdown")
        if args.json:
            _write(args.json, render.error_json(message), "--json")
        return 2
    for w in report.warnings:
        print(f"compare: warning: {w}", file=sys.stderr)
    text = render.markdown(report)
    sys.stdout.write(text)
    ok = True
    if args.markdown:
        ok &= _write(args.markdown, text, "--markdown")
    if args.json:
        ok &= _write(args.json, render.to_json(report), "--json")
    return report.exit_code if ok else 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C: a message and 128 + SIGINT, not a traceback
        print("compare: interrupted; no verdict", file=sys.stderr)
        sys.exit(130)
