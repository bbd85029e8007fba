"""Load: read concbench result files and refuse what is not one, saying what was expected and
what was found. Nothing here interprets a benchmark; it only checks the shape.

REQUIRES: each file is Google Benchmark JSON written by concbench (context.concbench_schema).
NOTE: every refusal is an InputError; the command turns it into exit status 2."""
import json
import sys
import math
import os
import pathlib
import tempfile
from dataclasses import dataclass, field

SUPPORTED_SCHEMAS = (1,)


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


def _describe(value):
    if isinstance(value, dict):
        keys = ", ".join(sorted(value)[:8]) or "none"
        return f"an object with keys {keys}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return f"{type(value).__name__} {value!r}"[:80]


def parse_run(path, text):
    """The Run in `text` (the contents of `path`), or InputError."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as e:
        first = text.lstrip()[:40].replace("\n", " ")
        raise InputError(path, "a JSON results file (concbench --out FILE)",
                         f"text that is not JSON ({e}; it starts with {first!r})") from None
    if not isinstance(data, dict):
        raise InputError(path, "a JSON object with 'context' and 'benchmarks'", _describe(data))
    context = data.get("context")
    if not isinstance(context, dict) or "concbench_schema" not in context:
        found = ("no 'context'" if not isinstance(context, dict)
                 else f"a context without concbench_schema (keys: {', '.join(sorted(context)[:6])}...)")
        raise InputError(path, "a concbench run (context.concbench_schema, written by "
                         "concbench --out)", f"{found}: Google Benchmark JSON from another program?")
    schema = context["concbench_schema"]
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise InputError(path, "an integer context.concbench_schema", _describe(schema))
    benchmarks = data.get("benchmarks")
    if not isinstance(benchmarks, list):
        raise InputError(path, "a 'benchmarks' list", "none" if benchmarks is None
                         else _describe(benchmarks))
    if not benchmarks:
        raise InputError(path, "a run with at least one benchmark",
                         "an empty 'benchmarks' list (interrupted before the first finished, "
                         "or a filter that matched none?)")
    for i, b in enumerate(benchmarks):
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            raise InputError(path, f"benchmark #{i} to be an object with a 'name'", _describe(b))
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
    from .model import check_model_kinds  # model.py imports this module
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


def finite(x):
    """x as a float if it is a finite number, else None (strings, NaN, bools...)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    x = float(x)
    return x if math.isfinite(x) else None
