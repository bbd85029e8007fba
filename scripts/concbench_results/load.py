"""Load: read concbench result files and refuse what is not one, saying what was expected and
what was found. Nothing here interprets a benchmark; it only checks the shape.

REQUIRES: each file is Google Benchmark JSON written by concbench (context.concbench_schema).
NOTE: every refusal is an InputError; the command turns it into exit status 2.
NOTE: entry_problem and context_problem are pure and raise nothing: scripts/compare checks its
files with them too, so that both commands accept and refuse the same files."""
import json
import sys
import math
import os
import pathlib
import tempfile
from dataclasses import dataclass, field

from .facts import check_model_kinds, finite  # noqa: F401  (finite: read as load.finite)

# 1: names without dispatch; 2: names with dispatch:each|map (bench/registration.cpp), which
# model.parse_name reads, and the context's model kinds and machine floors, which are optional.
SUPPORTED_SCHEMAS = (1, 2)


class InputError(Exception):
    """Bad input: `where` (a file or flag), what was expected, what was found."""

    def __init__(self, where, expected, found):
        super().__init__(f"{where}: expected {expected}, found {found}")
        self.where, self.expected, self.found = where, expected, found


@dataclass(frozen=True)
class Run:
    """One results file: its path, its context and its benchmark entries as written."""
    path: str
    context: dict
    benchmarks: list = field(default_factory=list)

    @property
    def schema(self):
        return self.context.get("concbench_schema")


def _reject_constant(token):
    raise ValueError(f"the non-standard JSON constant {token}")


def describe(value):
    """What a value is, for 'found ...': "str 'fast'", 'a list of 3', 'an object with keys a, b'."""
    if isinstance(value, dict):
        keys = ", ".join(sorted(value)[:8]) or "none"
        return f"an object with keys {keys}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return f"{type(value).__name__} {value!r}"[:80]


# ------------------------------------------------------------------------------- field types
# A field of the wrong type is refused rather than skipped: a report (or a gate) that silently
# leaves out a time written as "fast" would rank, or pass, on what is left.

def _number(x):
    # null: Google Benchmark writes NaN so (a cv aggregate of a counter that is always 0).
    return x is None or (isinstance(x, (int, float)) and not isinstance(x, bool))


def _integer(x):
    return isinstance(x, int) and not isinstance(x, bool)


# Google Benchmark's fields: (test, what is expected). Every other field is a concbench
# counter (or a count such as Google Benchmark's memory fields): a number.
ENTRY_FIELDS = {
    "name": (lambda x: isinstance(x, str), "a string"),
    "run_name": (lambda x: isinstance(x, str), "a string"),
    "run_type": (lambda x: x in ("iteration", "aggregate"), "'iteration' or 'aggregate'"),
    "aggregate_name": (lambda x: isinstance(x, str), "a string (mean, median, stddev, cv)"),
    "aggregate_unit": (lambda x: isinstance(x, str), "a string ('time' or 'percentage')"),
    "error_occurred": (lambda x: isinstance(x, bool), "true or false"),
    "error_message": (lambda x: isinstance(x, str), "a string"),
    "label": (lambda x: isinstance(x, str), "a string"),
    "big_o": (lambda x: isinstance(x, str), "a string"),
    "time_unit": (lambda x: x in ("ns", "us", "ms", "s"), "one of ns, us, ms, s"),
    "family_index": (_integer, "an integer"),
    "per_family_instance_index": (_integer, "an integer"),
    "repetitions": (_integer, "an integer"),
    "repetition_index": (_integer, "an integer"),
    "threads": (_integer, "an integer"),
    "iterations": (_integer, "an integer (iterations run)"),
    "real_time": (_number, "a number (wall time, in the entry's time_unit)"),
    "cpu_time": (_number, "a number (CPU time, in the entry's time_unit)"),
}
COUNTER = (_number, "a number (a concbench counter)")


def entry_problem(entry):
    """None, or (field, expected, found) for the first field of a benchmark entry whose type is
    wrong. REQUIRES: entry is a dict."""
    for key, value in entry.items():
        test, expected = ENTRY_FIELDS.get(key, COUNTER)
        if not test(value):
            return key, expected, describe(value)
    return None


def _cores(x):
    return _integer(x) and x >= 1


def _counters(x):
    return isinstance(x, dict) and all(
        isinstance(v, dict) and isinstance(v.get("unit", ""), str) for v in x.values())


def _kinds(x):
    return isinstance(x, dict) and all(
        isinstance(v, dict) and isinstance(v.get("waits", ""), str)
        and isinstance(v.get("floor", ""), str) for v in x.values())


def _floors(x):
    return isinstance(x, dict) and all(
        isinstance(v, dict) and _number(v.get("value")) and isinstance(v.get("unit", ""), str)
        and isinstance(v.get("how", ""), str) for v in x.values())


# The context fields a command computes with (the others are printed as they are).
CONTEXT_FIELDS = {
    "concbench_cores": (_cores, "an integer of at least 1 (the cores this process could use)"),
    "num_cpus": (_cores, "an integer of at least 1"),
    "mhz_per_cpu": (_number, "a number"),
    "spin_iterations_per_us": (_number, "a number"),
    "concbench_models": (lambda x: isinstance(x, list) and all(isinstance(m, str) for m in x),
                         "a list of model names"),
    "concbench_counters": (_counters, "an object {counter: {\"unit\": string, ...}}"),
    "concbench_model_kinds": (_kinds, "an object {model: {\"waits\": string, \"floor\": "
                                      "string, ...}}"),
    "concbench_floors": (_floors, "an object {floor: {\"value\": number, \"unit\": string, "
                                  "\"how\": string}}"),
}


def context_problem(context):
    """None, or (field, expected, found) for the first context field of the wrong type."""
    for key, (test, expected) in CONTEXT_FIELDS.items():
        if key in context and not test(context[key]):
            return key, expected, describe(context[key])
    return None


def parse_run(path, text):
    """The Run in `text` (the contents of `path`), or InputError."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as e:
        first = text.lstrip()[:40].replace("\n", " ")
        raise InputError(path, "a JSON results file (concbench --out FILE)",
                         f"text that is not JSON ({e}; it starts with {first!r})") from None
    if not isinstance(data, dict):
        raise InputError(path, "a JSON object with 'context' and 'benchmarks'", describe(data))
    context = data.get("context")
    if not isinstance(context, dict) or "concbench_schema" not in context:
        found = ("no 'context'" if not isinstance(context, dict)
                 else f"a context without concbench_schema (keys: {', '.join(sorted(context)[:6])}...)")
        raise InputError(path, "a concbench run (context.concbench_schema, written by "
                         "concbench --out)", f"{found}: Google Benchmark JSON from another program?")
    schema = context["concbench_schema"]
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise InputError(path, "an integer context.concbench_schema", describe(schema))
    benchmarks = data.get("benchmarks")
    if not isinstance(benchmarks, list):
        raise InputError(path, "a 'benchmarks' list", "none" if benchmarks is None
                         else describe(benchmarks))
    if not benchmarks:
        raise InputError(path, "a run with at least one benchmark",
                         "an empty 'benchmarks' list (interrupted before the first finished, "
                         "or a filter that matched none?)")
    problem = context_problem(context)
    if problem:
        key, expected, found = problem
        raise InputError(f"{path}: context field {key!r}", expected, found)
    for i, b in enumerate(benchmarks):
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            raise InputError(path, f"benchmark #{i} to be an object with a 'name'", describe(b))
        problem = entry_problem(b)
        if problem:
            key, expected, found = problem
            raise InputError(f"{path}: benchmark #{i} {b['name']!r}: field {key!r}", expected,
                             found)
    return Run(str(path), context, benchmarks)


def load_run(path):
    """The Run in the file at `path`, or InputError."""
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "a results file", "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "a results file", "a folder") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, "a readable UTF-8 results file", str(e)) from None
    return parse_run(path, text)


def check_schemas(runs):
    """REQUIRES: runs loaded by load_run. Refuses mixed or unsupported schema versions."""
    versions = {}
    for r in runs:
        versions.setdefault(r.schema, []).append(r.path)
    if len(versions) > 1:
        found = "; ".join(f"schema {v} in {', '.join(p)}" for v, p in sorted(versions.items()))
        raise InputError(runs[0].path if len(runs) == 1 else "inputs",
                         "one concbench_schema version across all inputs", found)
    (version,) = versions
    if version not in SUPPORTED_SCHEMAS:
        raise InputError(runs[0].path, f"concbench_schema {' or '.join(map(str, SUPPORTED_SCHEMAS))}"
                         " (this report's)", f"schema {version}: use the report from the same "
                         "revision as the binary")


def load_runs(paths):
    """Every path loaded and checked together."""
    runs = [load_run(p) for p in paths]
    check_schemas(runs)
    for r in runs:
        problem = check_model_kinds(r.context)
        if problem:
            print(f"scripts/report: warning: {r.path}: {problem}", file=sys.stderr)
    return runs


def check_output_dir(path):
    """Creates `path` if needed and proves it writable, or InputError naming -o."""
    where = f"-o {path}"
    p = pathlib.Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(where, "a folder for the report", "a file")
    try:
        p.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=p, prefix=".write-test-"):
            pass
    except OSError as e:
        raise InputError(where, "a folder the report can be written to",
                         f"{e.strerror or e} ({e.filename or path})") from None
    if not os.access(p, os.W_OK):
        raise InputError(where, "a folder the report can be written to", "no write permission")
