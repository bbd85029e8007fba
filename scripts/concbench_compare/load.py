"""Load: a concbench results file -> a Run (per benchmark: its repetitions, or why it has none).
Refuses, with what was expected and what was found, what is not one. Interprets nothing.

REQUIRES: Google Benchmark JSON written by concbench (context.concbench_schema), timed or from
scripts/instructions (entries with an `instructions` counter).
NOTE: every refusal is an InputError, which the command turns into exit status 2.
NOTE: names and field types are checked by the results package's functions (concbench_results:
names.parse_name, load.entry_problem and load.context_problem), which the report uses too, so
that the report and the gate accept and refuse the same files.
"""
import json
import pathlib
from dataclasses import dataclass, field

from concbench_results.load import context_problem, describe, entry_problem
from concbench_results.facts import declared_words
from concbench_results.names import NameError_, base_name, parse_name

SUPPORTED_SCHEMAS = (1, 2)
SKIP_PREFIX = "skipped: "  # concbench's mark for a level this machine cannot reach


class InputError(Exception):
    """Input no verdict can be drawn from. The message says where, what was found and what to do."""


@dataclass
class Run:
    """One results file. `samples` maps a benchmark to its repetitions (the entries as written,
    aggregates left out: they are recomputed here); `errored` and `skipped` to the message of a
    benchmark that failed or was skipped in any repetition."""
    path: str
    role: str  # "baseline" or "candidate"
    context: dict
    samples: dict = field(default_factory=dict)
    errored: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    aggregates_only: list = field(default_factory=list)
    parsed: dict = field(default_factory=dict)  # benchmark -> model.Name (workload, model, params)

    @property
    def names(self):
        """Every benchmark in the file, in file order."""
        seen = dict.fromkeys(self.samples)
        seen.update(dict.fromkeys(self.errored))
        seen.update(dict.fromkeys(self.skipped))
        seen.update(dict.fromkeys(self.aggregates_only))
        return list(seen)

    @property
    def instruction_mode(self):
        """True for scripts/instructions files: counts under callgrind, whose times (if any) mean
        nothing. A timed file may carry an `instructions` counter too (perf stat, where the
        machine has one): that is compared as a count beside the times."""
        if self.context.get("concbench_mode") == "instructions":
            return True
        entries = [e for es in self.samples.values() for e in es]
        return bool(entries) and all("instructions" in e and "real_time" not in e
                                     for e in entries)


def _fail(role, path, what):
    raise InputError(f"{role} {path}: {what}")


def load(path, role):
    """The Run in the file at `path`, or InputError."""
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(role, path, "no such file")
    except IsADirectoryError:
        _fail(role, path, "a folder, not a results file")
    except (OSError, UnicodeDecodeError) as e:
        _fail(role, path, f"cannot read it ({e})")
    return parse(text, path, role)


def parse(text, path, role):
    """The Run in `text` (the contents of `path`), or InputError."""
    try:
        data = json.loads(text)
    except ValueError as e:
        if not text.lstrip().startswith(("{", "[")):
            found = f"text that is not JSON (it starts with {text.lstrip()[:30]!r})"
        else:
            found = f"broken JSON ({e}; a run or a copy cut off?)"
        _fail(role, path, f"{found}: expected the file of concbench --out FILE")
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        _fail(role, path, "not Google Benchmark JSON: expected an object with a 'benchmarks' list")
    context = data.get("context")
    if not isinstance(context, dict) or "concbench_schema" not in context:
        _fail(role, path, "not a concbench results file: its context has no concbench_schema "
                          "(Google Benchmark JSON from another program?); expected the file of "
                          "concbench --out FILE or scripts/instructions -o FILE")
    if context["concbench_schema"] not in SUPPORTED_SCHEMAS:
        supported = ", ".join(map(str, SUPPORTED_SCHEMAS))
        _fail(role, path, f"concbench_schema {context['concbench_schema']!r}: this compare reads "
                          f"schema {supported}; use the compare of the revision that wrote it")
    problem = context_problem(context)
    if problem:
        key, expected, found = problem
        _fail(role, path, f"context field {key!r}: expected {expected}, found {found}")
    run = Run(str(path), role, context)
    aggregates = set()
    for i, entry in enumerate(data["benchmarks"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            _fail(role, path, f"benchmark #{i}: expected an object with a 'name', found "
                              f"{describe(entry)}")
        problem = entry_problem(entry)
        if problem:
            key, expected, found = problem
            _fail(role, path, f"benchmark #{i} {entry['name']!r}: field {key!r}: expected "
                              f"{expected}, found {found}")
        name = base_name(entry)
        if name not in run.parsed:
            try:
                run.parsed[name] = parse_name(name, declared_words(context))
            except NameError_ as e:
                _fail(role, path, f"benchmark #{i}: {e}; use the compare of the revision that "
                                  "wrote it")
        if entry.get("error_occurred"):
            message = str(entry.get("error_message", "")) or "error (no message)"
            if message.startswith(SKIP_PREFIX):
                run.skipped.setdefault(name, message[len(SKIP_PREFIX):])
            else:
                run.errored.setdefault(name, message)
        elif entry.get("run_type") == "aggregate":
            aggregates.add(name)
        else:
            run.samples.setdefault(name, []).append(entry)
    for name in list(run.samples):
        if name in run.errored or name in run.skipped:
            del run.samples[name]  # a benchmark that failed once is not measured
    run.aggregates_only = sorted(aggregates - set(run.samples) - set(run.errored)
                                 - set(run.skipped))
    if not run.names:
        _fail(role, path, "no benchmarks in it (interrupted before the first one finished, or a "
                          "filter that matched none?)")
    return run
