"""What a results file says about its models: how each waits, which dispatch shapes, words
and floors it declares, its order and how it is drawn (concbench_model_kinds, written by the
binary from src/models/kinds.hpp and by the Python arm), and how two files' contexts merge.
Pure functions over the context; no model list of its own."""
import math
from dataclasses import dataclass

# A model's order, family and style (colour, marker, line) are the file's: the binary and the
# Python arm write them into concbench_model_kinds[m] ("order", "family", "style"). A model
# whose file says none (a file written before they were, or a model the writer forgot) gets
# the next free colour and marker of these palettes, in the file's order: never a copy of the
# model list here.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#8c6d31", "#843c39", "#637939",
           "#7b4173", "#e7ba52", "#5254a3", "#ad494a", "#3182bd", "#31a354")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d", "8", "H", "+", "x",
           "1", "2", "3", "4", "|", "_")
LINES = ("solid", "dashed", "dotted", "dashdot")

# How a model waits, as the binary writes it in context["concbench_model_kinds"][m]["waits"]:
#   loop      an event loop (asio) awaits the I/O;
#   suspend   a resumable task (tbb) is suspended while it waits and frees its thread;
#   blocking  a worker blocks for the whole wait.
# The first two hold every one of the C waits the workload asks in flight whatever their
# workers; a blocking model holds min(C, workers), the rest queue (and queueing is not in the
# measured latency: io_sleep.hpp times the sleep itself). Little's law and the queueing lines
# depend on it, so the file's own word is used wherever it has one.
WAITS = ("loop", "suspend", "blocking")
# Files written before concbench_model_kinds existed: these three were the loops, everything
# else blocked (tbb too: its resumable tasks came later).
DEFAULT_WAITS = {"coro": "loop", "coro_mt": "loop", "procs_coro": "loop"}

# How a workload hands its tasks to the model (the name's dispatch segment):
#   each  one task at a time, as a server receives requests;
#   map   the whole range at once, which the model chunks as its experts would (a data job).
# Only these workloads carry it; a result is compared only with others of the same dispatch.
DISPATCHES = ("map", "each")
DISPATCH_WORKLOADS = ("cpu.spin", "cpu.real", "ipc")

# Parameters whose values are words, and their words, as the binary declares them (context
# concbench_words; these are the ones it wrote when this report was written). Any other
# parameter takes integers.
WORD_PARAMS = {"dispatch": ("each", "map"),
               "block": ("async", "sleep", "cpu", "to_thread", "to_procs"),
               "wait": ("all", "each", "first"),
               "fail": ("throw", "abort", "segv"),
               "query": ("pk", "rw", "sleep", "builtin")}


def declared_words(context):
    """WORD_PARAMS, with what the file's context declares (concbench_words) added."""
    words = dict(WORD_PARAMS)
    declared = (context or {}).get("concbench_words")
    if isinstance(declared, dict):
        for k, ws in declared.items():
            if isinstance(k, str) and isinstance(ws, list) and all(isinstance(w, str) for w in ws):
                words[k] = tuple(ws)
    return words


def declared_waits(context):
    """{model: waits} as the file declares it (valid words only)."""
    kinds = context.get("concbench_model_kinds") or {}
    if not isinstance(kinds, dict):
        return {}
    return {m: k["waits"] for m, k in kinds.items()
            if isinstance(k, dict) and k.get("waits") in WAITS}


def model_waits(context, model):
    """'loop', 'suspend' or 'blocking' for `model`: the file's word, else the default of files
    that predate it; None for a model neither knows."""
    declared = declared_waits(context)
    if model in declared:
        return declared[model]
    if context.get("concbench_model_kinds"):
        return None                  # the file has the key but says nothing of this model
    if model in DEFAULT_WAITS:
        return DEFAULT_WAITS[model]
    return "blocking"                # before the key, every model but the loops blocked


# What each file of one group declares for its own models and workloads: merged, the first
# file's entry kept where both have one (the C++ binary's and the Python arm's files).
MERGED_KEYS = ("concbench_model_kinds", "concbench_scenarios", "concbench_words", "concbench_counters")
MERGED_LISTS = ("concbench_models", "concbench_peers", "concbench_workloads")


def merged_context(first, other):
    out = dict(first)
    for k in MERGED_KEYS:
        a, b = first.get(k), other.get(k)
        if isinstance(a, dict) and isinstance(b, dict):
            out[k] = {**b, **a}
        elif a is None and isinstance(b, dict):
            out[k] = b
    for k in MERGED_LISTS:
        a, b = first.get(k), other.get(k)
        if isinstance(a, list) and isinstance(b, list):
            out[k] = a + [x for x in b if x not in a]
        elif a is None and isinstance(b, list):
            out[k] = b
    if "python_version" in other and "python_version" not in out:
        out["python_version"] = other["python_version"]
    return out


def check_model_kinds(context):
    """None when every model kind the file declares says how it waits in a word this report
    knows (or the file predates the key), else a message."""
    kinds = context.get("concbench_model_kinds") or {}
    if not isinstance(kinds, dict):
        return None                  # load.check_context refuses it
    odd = sorted((m, k.get("waits") if isinstance(k, dict) else k) for m, k in kinds.items()
                 if not isinstance(k, dict) or k.get("waits") not in WAITS)
    if odd:
        listed = ", ".join(f"{m}: {w!r}" for m, w in odd)
        return (f"concbench_model_kinds declares waits this report does not know ({listed}); "
                f"it knows {', '.join(WAITS)}: such a model counts as holding every wait in "
                "flight only where its names have no workers (update WAITS in "
                "concbench_report/model.py)")
    return None

# The machine's floors (context["concbench_floors"], bench/floors.cpp): what the cheapest unit
# of each model costs on this machine, e.g. {"thread_switch_us": {"value": 2.1, "unit": "us",
# "how": "..."}}; each model names its own in concbench_model_kinds[m]["floor"]. Both are read
# from the file only: which floor bounds which model is the binary's knowledge (kinds.hpp).


@dataclass(frozen=True)
class Floor:
    name: str
    value: float          # None when the file has null (not measured)
    unit: str
    how: str


def declared_floors(context):
    """{name: Floor} in the file's order; {} when the file has none (or not an object)."""
    floors = context.get("concbench_floors")
    if not isinstance(floors, dict):
        return {}
    return {name: Floor(name, finite(f.get("value")), str(f.get("unit", "")),
                        str(f.get("how", "")))
            for name, f in floors.items() if isinstance(f, dict)}


def floors_state(context):
    """'measured'; 'predates' (no concbench_floors: written before floors were measured); or
    'empty' (the key, but no floor in it: the run failed to measure them)."""
    if "concbench_floors" not in context:
        return "predates"
    return "measured" if declared_floors(context) else "empty"


def model_floor(context, model):
    """The name of the floor `model`'s kind names, or None (no kinds, or none named)."""
    kinds = context.get("concbench_model_kinds") or {}
    kind = kinds.get(model) if isinstance(kinds, dict) else None
    floor = kind.get("floor") if isinstance(kind, dict) else None
    return floor if isinstance(floor, str) and floor else None


# The guide's three approaches; each language's model that stands for one says so in its kind
# (concbench_model_kinds[m]["stands_for"]), as it says what one of its units is ("unit") and
# which client library its db and http tasks use ("clients").
APPROACHES = ("asyncio", "threading", "multiprocessing")
# Files written before the writers declared these facts (the committed reference runs among
# them): what those writers' tables said then. A file that declares the key is never read here.
BEFORE_DECLARED = {
    "stands_for": {"coro": "asyncio", "threads": "threading", "procs": "multiprocessing",
                   "py_asyncio": "asyncio", "py_threads": "threading", "py_procs": "multiprocessing"},
    "unit": {"coro": "a coroutine (co_spawn)", "thread_per_task": "a thread",
             "tbb": "a suspended TBB task", "fork_per_task": "a fork()",
             "exec_per_task": "a posix_spawn() of a tiny program",
             "py_asyncio": "an asyncio task (create_task)", "py_uvloop": "a uvloop task",
             "py_threads": "a threading.Thread", "py_procs": "a multiprocessing.Process (fork)"},
    "clients": {"py_asyncio": {"db": "asyncpg", "http": "aiohttp"},
                "py_uvloop": {"db": "asyncpg", "http": "aiohttp"},
                "py_threads": {"db": "psycopg", "http": "requests"},
                "py_procs": {"db": "psycopg", "http": "requests"}},
    "sized": {"coro": False, "py_asyncio": False, "py_uvloop": False, "exec_per_task": False},
}


def model_fact(context, model, key, default=None):
    """`key` of `model`'s kind as the file declares it; for a file whose kind of `model` predates
    the key, BEFORE_DECLARED's; else `default`."""
    kinds = (context or {}).get("concbench_model_kinds")
    kind = kinds.get(model) if isinstance(kinds, dict) else None
    if isinstance(kind, dict) and key in kind:
        return kind[key]
    return BEFORE_DECLARED.get(key, {}).get(model, default)


def standing_for(context, approach, models):
    """The one of `models` whose kind stands for the guide's `approach` (APPROACHES), or None."""
    return next((m for m in models if model_fact(context, m, "stands_for") == approach), None)


# Google Benchmark's own fields: everything else numeric in an entry is a concbench counter.
def peers_in(context):
    """The models of a results file's context that are the field's tools (concbench_peers:
    pgbench, wrk), not models of ours."""
    peers = context.get("concbench_peers")
    return set(peers) if isinstance(peers, list) else set()


def declared_order(context):
    """The models the file declares, in its order: concbench_model_kinds' "order" where
    given, else the order of concbench_models (then of concbench_model_kinds)."""
    context = context or {}
    kinds = context.get("concbench_model_kinds")
    kinds = kinds if isinstance(kinds, dict) else {}
    listed = [m for m in context.get("concbench_models") or [] if isinstance(m, str)]
    listed += [m for m in kinds if m not in listed]
    def key(m):
        k = kinds.get(m)
        o = k.get("order") if isinstance(k, dict) else None
        return (0, o, listed.index(m)) if isinstance(o, (int, float)) else (1, 0, listed.index(m))
    return sorted(listed, key=key)


def order_models(models, context=None):
    """`models` in the file's declared order; one it does not declare after them, by name."""
    declared = [m for m in declared_order(context) if m in models]
    return declared + sorted(m for m in models if m not in declared)


@dataclass(frozen=True)
class Style:
    colour: str
    marker: str
    line: str      # solid | dashed | dotted | dashdot


def styles(context, models=()):
    """{model: Style} for every model the file declares and every one of `models`: the
    file's own style where it gives one, else the next colour and marker no model uses."""
    kinds = (context or {}).get("concbench_model_kinds")
    kinds = kinds if isinstance(kinds, dict) else {}
    out = {}
    for m, k in kinds.items():
        st = k.get("style") if isinstance(k, dict) else None
        if isinstance(st, dict) and isinstance(st.get("colour"), str) and st["colour"]:
            line = st.get("line") if st.get("line") in LINES else "solid"
            out[m] = Style(st["colour"], str(st.get("marker") or "o"), line)
    for m in order_models(set(models) | set(kinds), context):
        if m not in out:
            add_style(out, m)
    return out


def add_style(styles, model):
    """Gives `model` the first colour and marker of the palettes that no style in `styles`
    uses (or, once all are used, the next in turn); returns its Style."""
    used_c = {s.colour.lower() for s in styles.values()}
    used_m = {s.marker for s in styles.values()}
    styles[model] = Style(
        next((c for c in PALETTE if c not in used_c), PALETTE[len(styles) % len(PALETTE)]),
        next((x for x in MARKERS if x not in used_m), MARKERS[len(styles) % len(MARKERS)]),
        "dashed")
    return styles[model]


def finite(x):
    """x as a float if it is a finite number, else None (strings, NaN, bools...)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    x = float(x)
    return x if math.isfinite(x) else None
