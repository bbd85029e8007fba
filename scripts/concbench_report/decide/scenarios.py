"""The guide's scenarios (docs/questions.md questions 1, 3, 4, 5, 6, 7, 8, 9 and 10): one section each,
opening with the guide's question as the file states it (context concbench_scenarios), then
the answer this run's numbers give (sentences whose every number cites its benchmark), then
the table of every benchmark of the scenario with the scenario's own figures. A scenario the
run did not measure is left out; one whose answer needs a point the run lacks says so."""
from dataclasses import dataclass, field

from ..units import fmt, sig
from .common import Cell, measured, models_text

# The sections, in the guide's order: (workload, title, questions). The question itself is
# the file's (concbench_scenarios[w].question); these are the defaults for a file without it.
SECTIONS = (
    ("loop.blocking", "Blocking the loop, and offloading", "s 1 and 5",
     "How does the event loop work, and what happens if you block it with a synchronous call? "
     "Running blocking operations from async code (to_thread, run_in_executor)."),
    ("spawn", "What one unit costs", " 3",
     "async def vs await: what does one unit cost to create, to complete and to keep suspended?"),
    ("fanout", "Waiting for many: all, each, first", " 4",
     "gather() vs create_task(): time to all results, to each, to the first with the rest "
     "cancelled."),
    ("errors", "Errors in tasks", " 6",
     "Exceptions in tasks; gather(return_exceptions=True)."),
    ("db", "An async database client against blocking ones", " 7",
     "An async database client in a web application (asyncpg): how many queries per second, at "
     "what latency and CPU, does each model's client get from the same PostgreSQL?"),
    ("http", "An async HTTP client against blocking ones", " 8",
     "Async HTTP requests (aiohttp instead of requests): how many requests per second, at what "
     "latency and CPU, does each model's client get from the same server?"),
    ("file", "Files in a scope that always closes", " 9",
     "Writing an async context manager."),
)


@dataclass(frozen=True)
class Claim:
    """One sentence of an answer; `cells` are the measurements it cites."""
    text: str
    cells: tuple = ()


@dataclass
class Section:
    key: str                 # the workload, or "observability"
    title: str
    questions: str           # " 3" or "s 1 and 5": what follows "question" in the title
    question: str
    answer: list = field(default_factory=list)    # [Claim]
    columns: list = field(default_factory=list)   # [(counter, label)]
    rows: list = field(default_factory=list)      # [{"name", "model", "where", "cells": {counter: Cell}}]
    verdict: tuple = None    # (one short sentence, its Cells) for the first screen; None: generic


def _pick(group, workload, model, **params):
    """The one ok point of `workload` on `model` with `params`, or None."""
    pts = group.select(workload, model, **params)
    return pts[0] if pts else None


def _cell(group, point, counter):
    return measured(group, point, counter) if point is not None else None


def _text(cells):
    return [c for c in cells if c is not None and c.status == "ok"]


def _join(parts):
    return models_text([p for p in parts if p])


def _table(group, workload, figures):
    pts = sorted(group.select(workload, ok=None), key=lambda p: (group.models.index(p.model)
                                                                 if p.model in group.models else 99,
                                                                 str(p.params)))
    used = [f for f in figures if any(f in p.stats for p in pts)]
    columns = [("wall_s", "time per run")] + [(f, f) for f in used]
    rows = []
    for p in pts:
        where = ", ".join(f"{k}: {v}" for k, v in p.params)
        cells = {}
        for c, _ in columns:
            if p.ok and c not in p.stats:  # a figure of another variant (released_ms of wait:first)
                cells[c] = Cell("—", status="absent")
            elif p.ok or c == "wall_s":
                cells[c] = measured(group, p, c)
            else:
                cells[c] = Cell("", status="absent")
        rows.append({"name": p.name, "model": p.model, "where": where, "cells": cells})
    return columns, rows


# ----------------------------------------------------------------------- the answers

def _loop_blocking(group):
    out = []
    lengths = sorted({p.get("block_ms") for p in group.select("loop.blocking")})
    if not lengths:
        return out
    ms = 10 if 10 in lengths else lengths[0]
    loop = _loop(group)
    lag = {b: _cell(group, _pick(group, "loop.blocking", loop, block=b, block_ms=ms), "lag_us_p99")
           for b in ("sleep", "cpu", "async", "to_thread", "to_procs")}
    if lag["sleep"] or lag["cpu"]:
        blocked = _text([lag["sleep"], lag["cpu"]])
        free = _text([lag["async"]])
        out.append(Claim(
            f"On `{loop}` (one loop), one synchronous {ms} ms call makes every other task wait for "
            f"it: the probe's p99 lateness was "
            + _join([lag["sleep"] and f"{lag['sleep'].text} (block: sleep)",
                     lag["cpu"] and f"{lag['cpu'].text} (block: cpu)"])
            + (f", against {lag['async'].text} while the task awaited instead (block: async)"
               if lag["async"] else "") + ".", tuple(blocked + free)))
    off = _text([lag["to_thread"], lag["to_procs"]])
    if off:
        out.append(Claim(
            "Offloaded, the loop stays free: "
            + _join([lag["to_thread"] and f"{lag['to_thread'].text} with the sleep run on a thread "
                                          "pool (block: to_thread, asyncio.to_thread's shape)",
                     lag["to_procs"] and f"{lag['to_procs'].text} with the CPU work run in a "
                                         "process pool (block: to_procs)"]) + ".", tuple(off)))
    others = {m: _cell(group, _pick(group, "loop.blocking", m, block="sleep", block_ms=ms), "lag_us_p99")
              for m in _cpp(group, "loop.blocking") if m != loop}
    if _text(others.values()):
        out.append(Claim(
            "On a model that runs tasks on several workers, one blocked worker does not stall "
            "the probe's: p99 " + _join([c and f"{c.text} (`{m}`)" for m, c in others.items()])
            + f" with a {ms} ms sleep.", tuple(_text(others.values()))))
    slow = [p for p in group.select("loop.blocking", loop) if (p.v("slow_steps") or 0) > 0]
    threshold = group.context.get("slow_callback_ms", 100)
    if slow:
        p = max(slow, key=lambda x: x.v("slow_step_max_ms") or 0)
        c1, c2 = measured(group, p, "slow_steps"), measured(group, p, "slow_step_max_ms")
        out.append(Claim(
            f"asyncio's debug mode, here: the slow-step detector (threshold {sig(threshold)} ms, "
            f"--slow-callback-ms) counted {c1.text} steps per run holding the loop up to "
            f"{c2.text} (block: {p.get('block')}, block_ms: {p.get('block_ms')}); it counts "
            "none while tasks await.", (c1, c2)))
    elif group.select("loop.blocking", loop):
        out.append(Claim(f"No blocking call reached the slow-step threshold ({sig(threshold)} ms, "
                         "--slow-callback-ms) in this run, so the detector counted none."))
    return out


def _loop(group):
    """The C++ model standing for the guide's asyncio, one event loop on one thread (coro): the
    loop whose lateness loop.blocking probes, and the client set against a peer on one thread."""
    return group.stands_for("asyncio")


def _one_thread(group, model):
    """True for a model that is exactly one thread (no `workers`: coro)."""
    return not group.fact(model, "sized", True)


def _ran(group, workload):
    """The models with points of `workload` in this run, in the report's order."""
    return [m for m in group.models if group.select(workload, m)]


def _cpp(group, workload):
    """Those of the C++ arm (the Python arm's models are named py_*)."""
    return [m for m in _ran(group, workload) if not m.startswith("py_")]


def _py(group, workload):
    """Those of the Python arm."""
    return [m for m in _ran(group, workload) if m.startswith("py_")]


def _largest(group, workload, model, **params):
    pts = [p for p in group.select(workload, model, **params) if not p.get("parent_mb")]
    return max(pts, key=lambda p: p.get("units") or 0) if pts else None


def _slope(xs, ys):
    """The least-squares slope of ys over xs (at least two distinct xs)."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def _kernel_memory(group, names):
    """The kernel's memory per waiting unit (kernel stacks and page tables, which RSS does not
    count): the slope of kernel_mem_bytes over the unit counts where a model ran two or more,
    else the one count's figure, said so; None where no run measured it."""
    parts, cells = [], []
    for m, what in names.items():
        pts = [p for p in group.select("spawn", m) if not p.get("parent_mb") and p.v("kernel_mem_bytes") is not None]
        counts = sorted({p.get("units") for p in pts})
        if len(counts) >= 2:
            slope = _slope([p.get("units") for p in pts], [p.v("kernel_mem_bytes") for p in pts])
            parts.append(f"{fmt(max(0.0, slope), 'B')} ({what}: the slope over {len(counts)} counts, "
                         f"{sig(counts[0])} to {sig(counts[-1])} units)")
            cells += [measured(group, p, "kernel_mem_bytes") for p in pts]
        elif pts:
            c = measured(group, pts[0], "kernel_mem_per_unit_bytes")
            parts.append(f"{c.text} ({what}, at {sig(counts[0])} units: one count, no slope)")
            cells.append(c)
    if not parts:
        return None
    return Claim("The kernel's own memory per waiting unit, which RSS does not count (kernel stacks "
                 "and page tables, machine-wide, from /proc/meminfo): " + _join(parts) + ".", tuple(cells))


def _spawn(group):
    out = []
    names = {m: group.fact(m, "unit") or f"a unit of `{m}`" for m in _ran(group, "spawn")}
    life, mem = [], []
    for m, what in names.items():
        p = _largest(group, "spawn", m)
        if p is None:
            continue
        c, k = measured(group, p, "unit_us"), measured(group, p, "mem_per_unit_bytes")
        life.append((f"{c.text} for {what}", c))
        mem.append((f"{k.text}", k, what, p.get("units")))
    if life:
        out.append(Claim("Creating one unit, letting it wait and completing it costs "
                         + _join([t for t, _ in life]) + ".", tuple(c for _, c in life)))
    if mem:
        out.append(Claim("Each waiting unit holds " + _join(
            [f"{t} ({what}, at {sig(u)} units)" for t, _, what, u in mem]) + ".",
            tuple(c for _, c, _, _ in mem)))
    kernel = _kernel_memory(group, names)
    if kernel is not None:
        out.append(kernel)
    big = [(m, _pick(group, "spawn", m, parent_mb=1024)) for m in _ran(group, "spawn")]
    big = [(m, p) for m, p in big if p is not None]
    if big:
        cells = [measured(group, p, "unit_us") for _, p in big]
        out.append(Claim("With a 1 GiB parent: " + _join(
            [f"{c.text} per `{m}` unit" for (m, _), c in zip(big, cells)])
            + " (fork copies the parent's page tables; posix_spawn does not).", tuple(cells)))
    out.append(Claim("A coroutine that is created but neither awaited nor spawned never runs "
                     "(tests/test_thread_models.cpp checks it for C++, tests/test_python.py for "
                     "CPython)."))
    return out


def _fanout(group):
    out = []
    ks = sorted({p.get("tasks") for p in group.select("fanout")})
    if not ks:
        return out
    k = 100 if 100 in ks else ks[-1]
    # In Python (the guide's own asyncio.gather, as_completed, wait(FIRST_COMPLETED) and
    # cancel(); threads woken from an Event) where the run has the Python arm.
    for m in _ran(group, "fanout"):
        a = _pick(group, "fanout", m, wait="all", tasks=k)
        e = _pick(group, "fanout", m, wait="each", tasks=k)
        f = _pick(group, "fanout", m, wait="first", tasks=k)
        if not (a or e or f):
            continue
        ca, ce, cf = (_cell(group, a, "all_results_ms"), _cell(group, e, "first_result_ms"),
                      _cell(group, f, "first_result_ms"))
        cr, cc = _cell(group, f, "released_ms"), _cell(group, f, "cancelled")
        parts = [ca and f"gather hands over every result at {ca.text}",
                 ce and f"as_completed the first at {ce.text}",
                 cf and f"first-completed at {cf.text}"]
        text = f"`{m}`, {sig(k)} tasks of 5–25 ms: " + _join(parts)
        if cr and cc:
            text += f", and its {cc.text} cancelled tasks had released what they held {cr.text} later"
        out.append(Claim(text + ".", tuple(_text([ca, ce, cf, cr, cc]))))
    return out


def _errors(group):
    out = []
    costs, cells = [], []
    for m in _ran(group, "errors"):
        ok = _pick(group, "errors", m, fail="throw", fail_pct=0)
        bad = _pick(group, "errors", m, fail="throw", fail_pct=100)
        if ok is None or bad is None:
            continue
        n = ok.v("tasks") or 1
        per = (bad.v("wall_s") - ok.v("wall_s")) / n
        c0, c1 = measured(group, ok, "wall_s"), measured(group, bad, "wall_s")
        costs.append(f"{fmt(per, 's')} on `{m}` ({c1.text} against {c0.text} for {sig(n)} tasks)")
        cells += [c0, c1]
    if costs:
        out.append(Claim("Every model handed back every result and every error (checked: the "
                         "failures are exactly the tasks that threw). A failing task cost, over "
                         "a succeeding one, " + _join(costs) + ".", tuple(cells)))
    for m in _ran(group, "errors"):
        for how in ("abort", "segv"):
            p = _pick(group, "errors", m, fail=how)
            if p is None:
                continue
            f, s, w = measured(group, p, "failures"), measured(group, p, "successes"), measured(group, p, "wall_s")
            out.append(Claim(f"`{m}` with workers killed mid-task (fail: {how}): {f.text} tasks "
                             f"became errors naming the signal and the other {s.text} completed, "
                             f"in {w.text} per run; nothing hung.", (f, s, w)))
    return out


def _file(group):
    out = []
    parts, cells = [], []
    for m in _ran(group, "file"):
        pts = group.select("file", m)
        p = max(pts, key=lambda x: x.get("file_kib") or 0)
        c = measured(group, p, "bytes_per_second")
        how = ""
        if p.v("io_uring") is not None:  # a loop that tried io_uring says whether it had it
            how = " on io_uring" if p.v("io_uring") > 0.5 else " offloaded to a thread pool (io_uring refused)"
        elif m.startswith("py_") and group.waits(m) == "loop":
            how = " (aiofiles: each call on a thread)"
        parts.append(f"{c.text} on `{m}`{how} ({p.get('files')} files of {p.get('file_kib')} KiB)")
        cells.append(c)
    if parts:
        out.append(Claim("Written, closed, reopened, read back and verified: "
                         + _join(parts) + ". Every open file lives in a scope that closes it "
                         "on every path; a body that throws with its file open leaks no "
                         "descriptor (the tests count /proc/self/fd).", tuple(cells)))
    return out


LATENCY_TARGET_MS = 10.0


def capacity(group, model, target_ms, workload="http", p99="lat_p99_us", **params):
    """(rate, point, runs) of `model`'s open-loop points of `workload` with `params`: the
    highest rate whose p99 latency (counter `p99`) stayed under target_ms, its point, and
    every rate run (sorted). rate is None when none stayed under it. A saturated server, or a
    load tool that fell behind its schedule (pgbench_unfinished), counts as over it."""
    pts = sorted((p for p in group.select(workload, model, **params) if p.get("rate")
                  and not p.get("depth")), key=lambda p: p.get("rate"))
    good = [p for p in pts if (p.v(p99) or float("inf")) <= target_ms * 1000
            and not p.saturated and not p.v("pgbench_unfinished")]
    best = good[-1] if good else None
    return (best.get("rate") if best else None), best, pts




def _distinct_peers(ratios):
    """The peer points of (model, ratio, peer) triples, each once, in order."""
    return list({q.name: q for _, _, q in ratios}.values())


def _client_cpu(group, mine, peer, counter, tool, unit, units, checked):
    """Client CPU per request, the one-loop client (`mine`, coro) against its one-thread peer of the same shape:
    if the client's one thread were the limit (many cores, the server's work spread over
    them), requests per second would go as its inverse. A hint, not a measurement of that
    machine: here the client shares the cores with the server, and the CPU a request costs
    depends on how many each wake-up finds. None where either figure is missing."""
    if mine is None or peer is None or not mine.ok or not peer.ok:
        return None
    a, b = mine.v("cpu_per_item_us"), peer.v(counter)
    if not a or not b:
        return None
    ca, cb = measured(group, mine, "cpu_per_item_us"), measured(group, peer, counter)
    return Claim(
        f"Client CPU per {unit}: `{mine.model}` {ca.text} (its process during the timed runs, {checked} "
        f"checked, its connections opened before) against {tool}'s {cb.text} (the whole "
        f"program, its start and connections included). If the client's one thread were the "
        f"limit, as where many cores serve it, `{mine.model}` would make about {b / a:.2g}× {tool}'s "
        f"{units} per second; here the client shares the cores with the server, so this is a "
        f"hint for such a machine, not a measurement of it.", (ca, cb))


def _server_side(group, p, unit):
    """(text, cells): the server's CPU per operation and the connections it held, where the
    point measured them (an embedded or throwaway server); ("", ()) where not."""
    if not p.ok or p.v("server_cpu_per_item_us") is None:
        return "", ()
    cpu = measured(group, p, "server_cpu_per_item_us")
    held = f" over {sig(p.v('connections'))} connections" if p.v("connections") is not None else ""
    return f" ({cpu.text} of server CPU per {unit}{held})", (cpu,)


def _http_closed(group, pts, c, delay):
    """The closed-loop claims at `c` connections and `delay` µs: each client, then wrk of the
    same shape (-t 1 against `coro`, one event loop each; -t cores against the others)."""
    out, parts, cells, ratios, coro_pair = [], [], [], [], None
    cores = group.context.get("concbench_cores") or group.context.get("num_cpus") or 0
    for m in _cpp(group, "http"):
        mine = [p for p in pts if p.model == m and p.get("concurrency") == c and p.get("delay_us") == delay
                and not p.get("rate")]
        if not mine:
            continue
        p = min(mine, key=lambda x: x.get("body_bytes") or 0)
        rps, p99 = measured(group, p, "items_per_second"), measured(group, p, "lat_p99_us")
        cpu = measured(group, p, "cpu_per_item_us")
        server, server_cells = _server_side(group, p, "request")
        parts.append(f"{rps.text} at p99 {p99.text} and {cpu.text} of client CPU per request{server} on `{m}`")
        cells += [rps, p99, cpu, *server_cells]
        jobs = 1 if _one_thread(group, m) else cores
        peer = _pick(group, "http.peer", "wrk", workers=jobs, concurrency=c, delay_us=delay,
                     body_bytes=p.get("body_bytes")) or \
            _pick(group, "http.peer", "wrk", concurrency=c, delay_us=delay, body_bytes=p.get("body_bytes"))
        if peer is not None and p.ok and peer.v("wrk_requests_per_s") and p.v("items_per_second"):
            ratios.append((m, p.v("items_per_second") / peer.v("wrk_requests_per_s"), peer))
            if _one_thread(group, m) and (peer.get("workers") or 0) == 1:
                coro_pair = (p, peer)
    if not parts:
        return out
    limit = f" (the limit: {sig(c / (delay * 1e-6))} requests/s)" if delay else " (no limit but the CPUs)"
    out.append(Claim(
        f"Closed loop, {sig(c)} keep-alive connections, the embedded server waiting {sig(delay)} µs "
        f"per request{limit}: " + _join(parts) + ". Every body is checked.", tuple(cells)))
    if ratios:
        peers = _distinct_peers(ratios)
        pc = [measured(group, q, "wrk_requests_per_s") for q in peers]
        out.append(Claim(
            f"wrk, the field's tool, with the same {sig(c)} connections on the same server in the "
            "same run: " + _join([f"{t.text} on {sig(q.get('workers') or cores)} thread"
                                  f"{'s' if (q.get('workers') or cores) != 1 else ''}" for t, q in zip(pc, peers)])
            + "; against it (" + _join([f"`{m}`" for m in _cpp(group, "http") if _one_thread(group, m)])
            + " against wrk -t 1, one event loop each; the others against wrk on "
            "every core), " + _join([f"`{m}` {r:.2f}×" for m, r, _ in ratios]) + " of its requests per second.",
            tuple(pc)))
        cpu = _client_cpu(group, *coro_pair, "wrk_cpu_per_request_us", "wrk -t 1", "request", "requests",
                          "every body") if coro_pair and delay == 0 else None
        if cpu is not None:
            out.append(cpu)
    return out


def _http(group, target_ms=LATENCY_TARGET_MS):
    out = []
    pts = group.select("http")
    if not pts:
        return out
    cs = sorted({p.get("concurrency") for p in pts})
    c = 100 if 100 in cs else cs[-1]
    out += _http_closed(group, pts, c, 1000)
    if 16 in cs:
        out += _http_closed(group, pts, 16, 0)
    if not group.select("http.peer") and group.select("http.peer", ok=False):
        bad = group.select("http.peer", ok=False)[0]
        out.append(Claim(f"wrk did not run: {bad.error}", (Cell("", (bad.name,)),)))
    caps, cells, _ = _capacities(group, "http", _cpp(group, "http"), target_ms)
    if caps:
        out.append(Claim(
            f"Open loop (requests due on a Poisson schedule, latency from when each was due): "
            f"the capacity under a p99 of {sig(target_ms)} ms (--latency-target-ms) is "
            + _join(caps) + ". A point whose server was saturated (⊘) counts as over the target.",
            tuple(cells)))
    py = _python_claim(group, "http", concurrency=c, delay_us=1000, body_bytes=1024)
    if py is not None:
        out.append(py)
    py = _python_capacity(group, "http", target_ms)
    if py is not None:
        out.append(py)
    out.append(Claim("The same server runs alone with `concbench --serve http`, so that wrk "
                     "loads it as the clients here do (e.g. wrk -c100 'http://127.0.0.1:PORT/"
                     "item/1?delay_us=1000&bytes=1024')."))
    return out




def _capacity_phrase(group, label, rate, best, runs, p99="lat_p99_us"):
    """'label 40,000/s, p99 …' (or none, with the p99 at the lowest rate) and its cell."""
    if best is None:
        c = measured(group, runs[0], p99)
        return f"{label} none (p99 {c.text} already at {sig(runs[0].get('rate'))}/s)", c
    c = measured(group, best, p99)
    top = " (the highest rate run)" if best is runs[-1] else ""
    return f"{label} {sig(rate)}/s{top}, p99 {c.text}", c


def _capacities(group, workload, models, target_ms, **params):
    caps, cells, found = [], [], {}
    for m in models:
        rate, best, runs = capacity(group, m, target_ms, workload, **params)
        if not runs:
            continue
        found[m] = (rate, best, runs)
        text, c = _capacity_phrase(group, f"`{m}`", rate, best, runs)
        caps.append(text)
        cells.append(c)
    return caps, cells, found


def _client(group, model, workload):
    """The client library `model`'s `workload` tasks use, as its kind says ("clients")."""
    return (group.fact(model, "clients") or {}).get(workload) or "its client"


def _python_capacity(group, workload, target_ms, **params):
    """The Python arm's open loop: each client's capacity under the p99 target (its loops keep
    timers to the millisecond, epoll's and libuv's, so a request on a loop may go out up to
    1 ms after it is due; its latency counts that, as pgbench -R's counts its schedule lag)."""
    caps, cells, found = _capacities(group, workload, _py(group, workload), target_ms, **params)
    if not caps:
        return None
    named = [f"{c} ({_client(group, m, workload)})" for c, m in zip(caps, found)]
    return Claim(f"In Python, the same open loop: the capacity under a p99 of {sig(target_ms)} ms "
                 "is " + _join(named) + ". Python's loops keep timers to the millisecond (epoll's "
                 "timeout, libuv's clock): a request on a loop may go out up to 1 ms after it is "
                 "due, and its latency counts that, as pgbench -R's counts its schedule lag.",
                 tuple(cells))


def _python_claim(group, workload, **params):
    """The guide's own language at the same point (the Python arm): each client's rate, and
    the async client's multiple of the blocking one's (best of each)."""
    parts, cells, best = [], [], {}
    for m in _py(group, workload):
        p = next((x for x in group.select(workload, m) if not x.get("rate")
                  and all(x.get(k) == v for k, v in params.items())), None)
        if p is None:
            continue
        c = measured(group, p, "items_per_second")
        lib = _client(group, m, workload)
        parts.append(f"{lib} on `{m}` {c.text}")
        cells.append(c)
        kind = "async" if group.waits(m) == "loop" else "blocking"
        if p.v("items_per_second") and p.v("items_per_second") > best.get(kind, (0,))[0]:
            best[kind] = (p.v("items_per_second"), m)
    if not parts:
        return None
    ratio = ""
    if "async" in best and "blocking" in best:
        ratio = (f"; the async client {best['async'][0] / best['blocking'][0]:.1f}× the blocking one "
                 f"(`{best['async'][1]}` against `{best['blocking'][1]}`)")
    return Claim("In Python, the guide's language, at the same point: " + _join(parts) + ratio + ".",
                 tuple(cells))


def _pgbench_capacities(group, target_ms, concurrency):
    """([text], (cells)): pgbench -R's capacity under the p99 target on each thread count, as
    the clients' (capacity(), on its own p99 counter)."""
    texts, cells = [], []
    params = dict(query="pk", concurrency=concurrency)
    threads = {q.get("workers") for q in group.select("db.peer", "pgbench", **params) if q.get("rate")}
    for w in sorted(threads, key=lambda v: v or 0):
        rate, best, runs = capacity(group, "pgbench", target_ms, "db.peer", "pgbench_lat_p99_us",
                                    workers=w, **params)
        text, c = _capacity_phrase(group, f"-j {sig(w)}", rate, best, runs, "pgbench_lat_p99_us")
        texts.append(text)
        cells.append(c)
    return texts, tuple(cells)


def _db(group, target_ms=LATENCY_TARGET_MS):
    out = []
    pts = group.select("db")
    if not pts:
        return out
    cs = sorted({p.get("concurrency") for p in pts if p.get("query") == "pk"})
    c = 16 if 16 in cs else (cs[-1] if cs else None)
    cores = group.context.get("concbench_cores") or group.context.get("num_cpus") or 0

    def peer(jobs, **params):
        return _pick(group, "db.peer", "pgbench", workers=jobs, **params)

    parts, cells, ratios, mine = [], [], [], {}
    loop = _loop(group)
    for m in _cpp(group, "db") + [f"{loop}·pipeline"]:
        model, extra = (loop, {"depth": 4}) if m == f"{loop}·pipeline" else (m, {})
        p = next((x for x in pts if x.model == model and x.get("query") == "pk"
                  and x.get("concurrency") == c and not x.get("rate")
                  and (x.get("depth") or None) == extra.get("depth")), None)
        if p is None:
            continue
        mine[m] = p
        qps, p99 = measured(group, p, "items_per_second"), measured(group, p, "lat_p99_us")
        cpu = measured(group, p, "cpu_per_item_us")
        name = f"`{loop}` with 4 queries pipelined per connection" if extra else f"`{m}`"
        server, server_cells = _server_side(group, p, "query")
        parts.append(f"{qps.text} at p99 {p99.text}, {cpu.text} of client CPU per query{server} on {name}")
        cells += [qps, p99, cpu, *server_cells]
        # Like with like: one event loop (coro) against pgbench on one thread; the clients
        # that use every core against pgbench on as many threads.
        jobs = 1 if _one_thread(group, model) else (cores or None)
        q = peer(jobs, query="pk", concurrency=c)
        if q is not None and q.get("rate") is None and p.ok and q.v("pgbench_tps") and p.v("items_per_second"):
            ratios.append((name, p.v("items_per_second") / q.v("pgbench_tps"), q))
    if parts:
        out.append(Claim(
            f"Closed loop, {sig(c)} connections, primary-key lookups (prepared, the table in "
            f"memory): " + _join(parts) + ". Every row is checked against the table's known "
            "content.", tuple(cells)))
    if ratios:
        peers = _distinct_peers(ratios)
        pc = [measured(group, q, "pgbench_tps") for q in peers]
        out.append(Claim(
            "pgbench, the field's tool, with the same query, prepared, and the same connections "
            "on the same server in the same run: " + _join(
                [f"{t.text} on {sig(q.get('workers'))} thread{'s' if q.get('workers') != 1 else ''}"
                 for t, q in zip(pc, peers)]) + f"; against it (`{loop}` and its pipeline against "
            "pgbench -j 1, one event loop each; the others against pgbench on every core), "
            + _join([f"{n} {r:.2f}×" for n, r, _ in ratios]) + " of its transactions per second.",
            tuple(pc)))
        one = next((q for n, _, q in ratios if n == f"`{loop}`" and q.get("workers") == 1), None)
        cpu = _client_cpu(group, mine.get(loop), one, "pgbench_cpu_per_tx_us", "pgbench -j 1", "query",
                          "queries", "every row")
        if cpu is not None:
            out.append(cpu)
    builtin = [q for q in group.select("db.peer", "pgbench", query="builtin", concurrency=c)
               if q.ok and q.v("pgbench_tps") and not q.get("rate")]
    if builtin:
        bc = [measured(group, q, "pgbench_tps") for q in builtin]
        vs = ""
        one = next((q for q in builtin if q.get("workers") == 1), None)
        if one is not None and loop in mine and mine[loop].ok and mine[loop].v("items_per_second"):
            vs = (f"; `{loop}` gets {mine[loop].v('items_per_second') / one.v('pgbench_tps'):.2f}× "
                  "of its transactions per second on one thread")
        out.append(Claim(
            "pgbench -S itself, as its users run it (its builtin select-only script on its own "
            "pgbench_accounts, 100,000 rows, prepared): " + _join(
                [f"{t.text} on {sig(q.get('workers'))} thread{'s' if q.get('workers') != 1 else ''}"
                 for t, q in zip(bc, builtin)]) + vs + ".", tuple(bc)))
    if not ratios and group.select("db.peer", ok=False):
        bad = group.select("db.peer", ok=False)[0]
        out.append(Claim(f"pgbench did not run: {bad.error}", (Cell("", (bad.name,)),)))
    caps, cells, found = _capacities(group, "db", _cpp(group, "db"), target_ms, query="pk")
    if caps:
        peers = _pgbench_capacities(group, target_ms, c)
        out.append(Claim(
            "Open loop (queries due on a Poisson schedule, latency from when each was due, as "
            f"pgbench -R counts it): the capacity under a p99 of {sig(target_ms)} ms is "
            + _join(caps) + (f"; pgbench -R's on the same server: {_join(peers[0])}" if peers[0] else "")
            + ".", tuple(cells) + peers[1]))
    if loop in found and found[loop][0]:
        rate, _, runs = found[loop]
        half = [p for p in runs if p.get("rate") <= rate / 2]
        if half:
            p = half[-1]
            q = peer(1, query="pk", concurrency=p.get("concurrency"), rate=p.get("rate"))
            if q is not None and q.v("pgbench_lat_p99_us") and p.v("lat_p99_us"):
                a, b = measured(group, p, "lat_p99_us"), measured(group, q, "pgbench_lat_p99_us")
                s = peer(1, query="builtin", concurrency=p.get("concurrency"), rate=p.get("rate"))
                itself, cells = "", (a, b)
                if s is not None and s.v("pgbench_lat_p99_us"):
                    c = measured(group, s, "pgbench_lat_p99_us")
                    itself = (f"; against pgbench -S -R itself (its builtin script on its own table) "
                              f"{c.text}, {p.v('lat_p99_us') / s.v('pgbench_lat_p99_us'):.2f}×"
                              + (" (it fell behind: a lower bound)" if s.v("pgbench_unfinished") else ""))
                    cells = (a, b, c)
                out.append(Claim(
                    f"At {sig(p.get('rate'))} queries/s, at most half of `{loop}`'s capacity: its "
                    f"p99 {a.text} against pgbench -R's {b.text} at the same rate (the same query; "
                    f"from its per-transaction log), {p.v('lat_p99_us') / q.v('pgbench_lat_p99_us'):.2f}×"
                    + (f" (pgbench fell behind its schedule: about {sig(q.v('pgbench_unfinished'))} of "
                       "its transactions never ran, so its p99 is a lower bound)" if q.v("pgbench_unfinished")
                       else "") + itself
                    + (". One run each: the p99 of 1 s of schedule follows the machine's stalls "
                       "(a client thread descheduled holds every query due meanwhile), so repeat "
                       "with --benchmark_repetitions=5 for medians" if p.n == 1 or q.n == 1 else "") + ".",
                    cells))
    other = []
    for query in ("rw", "sleep"):
        mine = [p for p in pts if p.get("query") == query and not p.get("rate")]
        if not mine:
            continue
        cc = mine[0].get("concurrency")
        bits, cl = [], []
        for m in _cpp(group, "db"):
            p = next((x for x in mine if x.model == m and x.get("concurrency") == cc), None)
            if p is not None:
                v = measured(group, p, "items_per_second")
                bits.append(f"`{m}` {v.text}")
                cl.append(v)
        q = peer(1, query=query, concurrency=cc, **({"sleep_us": mine[0].get("sleep_us")} if query == "sleep" else {}))
        if q is not None:
            v = measured(group, q, "pgbench_tps")
            bits.append(f"pgbench -j 1 {v.text}")
            cl.append(v)
        what = ("a read-write transaction (update and insert, committed)" if query == "rw" else
                f"a lookup that waits {sig(mine[0].get('sleep_us'))} µs in the server (pg_sleep)")
        other.append(Claim(f"{sig(cc)} connections, {what}: " + _join(bits) + ".", tuple(cl)))
    out += other
    py = _python_claim(group, "db", query="pk", concurrency=c)
    if py is not None:
        out.append(py)
    py = _python_capacity(group, "db", target_ms, query="pk")
    if py is not None:
        out.append(py)
    out.append(Claim("Each db benchmark gets its own throwaway PostgreSQL (initdb in a temporary "
                     "folder, 127.0.0.1, removed at the end); --pg-url points it at another. "
                     "server_cpu_per_item_us is the CPU of the throwaway server's processes (the "
                     "postmaster and its backends) per query; connections, those it held open at "
                     "the end of the timed runs, counted on its port (neither is measured for an "
                     "external server)."))
    return out


ANSWERS = {"db": _db, "http": _http, "loop.blocking": _loop_blocking, "spawn": _spawn, "fanout": _fanout,
           "errors": _errors, "file": _file}


# Workloads that are not declared scenarios (Kind io): the columns their section shows.
# (A column no point has is left out: an older run shows server_cpu_s alone.)
OWN_COLUMNS = {"db": ("items_per_second", "lat_p50_us", "lat_p99_us", "cpu_per_item_us", "server_cpu_s",
                      "server_cpu_per_item_us", "server_saturated", "peak_in_flight", "connections"),
               "http": ("items_per_second", "lat_p50_us", "lat_p99_us", "cpu_per_item_us", "server_cpu_s",
                        "server_cpu_per_item_us", "server_saturated", "peak_in_flight", "connections")}


# ------------------------------------------------------------- the first screen's verdicts

def _span(group, items, counter):
    """'a (m1) to b (m2)' over [(model, point)] by `counter`, or the one value."""
    have = sorted(((p.v(counter), m, p) for m, p in items if p is not None and p.v(counter) is not None),
                  key=lambda t: t[0])
    if not have:
        return "", ()
    lo, hi = have[0], have[-1]
    cl, ch = measured(group, lo[2], counter), measured(group, hi[2], counter)
    if len(have) == 1 or lo[1] == hi[1]:
        return f"{cl.text} (`{lo[1]}`)", (cl,)
    return f"{cl.text} (`{lo[1]}`) to {ch.text} (`{hi[1]}`)", (cl, ch)


def _verdict_loop_blocking(group, answer):
    lengths = sorted({p.get("block_ms") for p in group.select("loop.blocking")})
    if not lengths:
        return None
    ms = 10 if 10 in lengths else lengths[0]
    loop = _loop(group)
    lag = {b: _cell(group, _pick(group, "loop.blocking", loop, block=b, block_ms=ms), "lag_us_p99")
           for b in ("sleep", "async", "to_thread")}
    if not lag["sleep"] or lag["sleep"].status != "ok":
        return None
    text = f"a {sig(ms)} ms sync call on `{loop}`'s loop makes its other tasks {lag['sleep'].text} late (p99)"
    if lag["async"] and lag["async"].status == "ok":
        text += f", against {lag['async'].text} awaited"
    if lag["to_thread"] and lag["to_thread"].status == "ok":
        text += f"; offloaded to a thread, {lag['to_thread'].text}"
    return text, tuple(_text(lag.values()))


def _verdict_spawn(group, answer):
    parts, cells = [], []
    for m in _cpp(group, "spawn"):
        p = _largest(group, "spawn", m)
        if p is None or p.v("unit_us") is None:
            continue
        u, k = measured(group, p, "unit_us"), measured(group, p, "mem_per_unit_bytes")
        parts.append(f"`{m}` {u.text}" + (f", {k.text}" if k.status == "ok" else ""))
        cells += [u, k]
    if not parts:
        return None
    return "one unit's life (create, wait, complete) and memory while waiting: " + "; ".join(parts), tuple(cells)


def _verdict_fanout(group, answer):
    ks = sorted({p.get("tasks") for p in group.select("fanout")})
    if not ks:
        return None
    k = 100 if 100 in ks else ks[-1]
    models = _cpp(group, "fanout")
    first = [(m, _pick(group, "fanout", m, wait="first", tasks=k)) for m in models]
    every = [(m, _pick(group, "fanout", m, wait="all", tasks=k)) for m in models]
    a, ca = _span(group, first, "first_result_ms")
    b, cb = _span(group, every, "all_results_ms")
    c, cc = _span(group, first, "released_ms")
    bits = [a and f"first result {a}", b and f"all {b}",
            c and f"cancelled ones released in {c}"]
    bits = [x for x in bits if x]
    return (f"{sig(k)} uneven waits: " + "; ".join(bits), ca + cb + cc) if bits else None


def _verdict_errors(group, answer):
    if not answer:
        return None
    costs = []
    for m in _cpp(group, "errors"):
        ok = _pick(group, "errors", m, fail="throw", fail_pct=0)
        bad = _pick(group, "errors", m, fail="throw", fail_pct=100)
        if ok is not None and bad is not None:
            costs.append(((bad.v("wall_s") - ok.v("wall_s")) / (ok.v("tasks") or 1), m))
    text = "every result and every error handed back on every model"
    if costs:
        lo, hi = min(costs), max(costs)
        text += f"; a failure costs {fmt(lo[0], 's')} (`{lo[1]}`) to {fmt(hi[0], 's')} (`{hi[1]}`) extra"
    if any(p.get("fail") in ("abort", "segv") for p in group.select("errors")):
        text += "; a crashed worker is an error, never a hang"
    return text, tuple(c for cl in answer for c in cl.cells)


SHORT_VERDICTS = {"loop.blocking": _verdict_loop_blocking, "spawn": _verdict_spawn,
                  "fanout": _verdict_fanout, "errors": _verdict_errors}
OBSERVABILITY_VERDICT = ("every benchmark records CPU user/system, context switches, peak RSS, "
                         "tasks in flight and loop lag; `--trace FILE` shows tasks on workers in Perfetto")


def scenarios(group, latency_target_ms=LATENCY_TARGET_MS):
    """The sections of the scenarios this group measured, in the guide's order."""
    declared = group.context.get("concbench_scenarios") or {}
    out = []
    for w, title, qs, default in SECTIONS:
        if not group.select(w, ok=None):
            continue
        info = declared.get(w) if isinstance(declared, dict) else None
        question = info.get("question") if isinstance(info, dict) and info.get("question") else default
        figures = [f for f in (info.get("figures") if isinstance(info, dict) else None) or []
                   if isinstance(f, str)]
        if not figures and w in OWN_COLUMNS:
            figures = list(OWN_COLUMNS[w])
        if not figures:  # a file without the declaration: every counter the points have
            figures = sorted({k for p in group.select(w) for k in p.stats} - {"wall_s", "main_cpu_s"})
        columns, rows = _table(group, w, figures)
        answer = (ANSWERS[w](group, latency_target_ms) if w in ("http", "db") else ANSWERS[w](group))
        short = SHORT_VERDICTS[w](group, answer) if w in SHORT_VERDICTS else None
        out.append(Section(w, title, qs, question, answer, columns, rows, short))
    # A scenario the file declares that this report has no written answer for: a generic
    # section (its question, its table; the first screen ranks its models by throughput).
    known = {w for w, *_ in SECTIONS}
    for w, info in (declared.items() if isinstance(declared, dict) else ()):
        if w in known or w.endswith(".peer") or not group.select(w, ok=None):
            continue
        info = info if isinstance(info, dict) else {}
        figures = [f for f in info.get("figures") or [] if isinstance(f, str)] or sorted(
            {k for p in group.select(w) for k in p.stats} - {"wall_s", "main_cpu_s"})
        columns, rows = _table(group, w, figures)
        out.append(Section(w, w, "", info.get("question") or f"What {w} measures.", [], columns, rows))
    obs = _observability(group)
    if obs is not None:
        out.append(obs)
    return out


# Question 10: what every benchmark records, and the loop's own view.
OBSERVED = (("cpu_user_s", "user CPU"), ("cpu_sys_s", "system CPU"),
            ("ctx_voluntary", "voluntary switches"), ("ctx_involuntary", "involuntary switches"),
            ("peak_rss_bytes", "peak RSS"), ("peak_in_flight", "tasks in flight (peak)"),
            ("loop_lag_us_p99", "loop lag p99"), ("loop_lag_us_max", "loop lag max"))


def _observability(group):
    loops = [p for p in group.points if p.ok and "loop_lag_us_p99" in p.stats]
    if not group.points:
        return None
    recorded = [label for c, label in OBSERVED if any(c in p.stats for p in group.points if p.ok)]
    answer = [Claim("Every benchmark records " + models_text(recorded) + " (the counters' units "
                    "and meanings are in the file's context, concbench_counters).")]
    trace = group.context.get("concbench_trace")
    answer.append(Claim(
        f"This run wrote a trace ({trace}): open it in Perfetto (ui.perfetto.dev) or "
        "chrome://tracing to see each worker thread and process on its own track, coroutines "
        "as async spans on their loop's thread, and the tasks in flight." if trace else
        "concbench --trace FILE writes a Chrome/Perfetto trace of the benchmarks it runs: a "
        "track per worker thread and worker process, coroutines as async spans that show "
        "while suspended, and the tasks in flight; this run wrote none."))
    columns, rows = [], []
    if loops:
        worst = sorted(loops, key=lambda p: -(p.v("loop_lag_us_p99") or 0))
        cells = [measured(group, p, "loop_lag_us_p99") for p in worst[:3]]
        answer.append(Claim("The loops' own lag (a 1 ms probe timer on every loop, the whole "
                            "run): the largest p99 was " + _join(
                                [f"{c.text} ({p.workload} on `{p.model}`)"
                                 for c, p in zip(cells, worst[:3])]) +
                            ": a loop that runs CPU work inline cannot answer its timers.",
                            tuple(cells)))
        columns = [("loop_lag_us_p50", "loop_lag_us_p50"), ("loop_lag_us_p99", "loop_lag_us_p99"),
                   ("loop_lag_us_max", "loop_lag_us_max")]
        for p in sorted(loops, key=lambda x: x.name):
            rows.append({"name": p.name, "model": p.model,
                         "where": f"{p.workload}: " + ", ".join(f"{k}: {v}" for k, v in p.params),
                         "cells": {c: measured(group, p, c) for c, _ in columns}})
    return Section("observability", "What a run lets you see", " 10",
                   "Debugging async performance: task lists, debug mode, profilers.", answer,
                   columns, rows, (OBSERVABILITY_VERDICT, ()))
