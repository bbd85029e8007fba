"""The guide's asyncio questions 4 and 6 in CPython, with the C++ scenarios' names, parameters,
values and checks (src/workloads/fanout, src/workloads/errors):
  fanout  K tasks wait uneven delays (5 to 25 ms, a permutation): wait:all (asyncio.gather /
          concurrent.futures.wait), wait:each (as_completed), wait:first (asyncio.wait
          FIRST_COMPLETED, then cancel() the rest; on threads an Event each task waits on, set
          for the rest). Figures: first_result_ms, all_results_ms, released_ms, cancelled.
  spawn   `units` units created, each signalling that it waits at a gate, then the gate opened
          and every unit completed: a task of a coroutine (asyncio.create_task), a
          threading.Thread, a multiprocessing.Process (fork). Figures: create_us, complete_us,
          unit_us, mem_per_unit_bytes (the memory the waiting units hold, over their number).
  file    one file per task, written, closed, reopened, read back and hashed, each open file
          inside a `with` (`async with aiofiles.open(...)` on the loops, which hands each call
          to a thread: there is no async file I/O in CPython; the built-in open() in threads
          and worker processes); C lanes on a loop, W workers. A task that raises with its file
          open (fail_pct) leaks no descriptor.
  errors  1,000 tasks of 10 us of cpu.spin's loop, fail_pct of them (picked as C++ picks them)
          raising after computing; the results come back with gather(return_exceptions=True) or
          each future's exception(). A failure must name its task and carry the value it
          computed; anything else is an error entry. Figures: failures, successes."""
import asyncio
import concurrent.futures as cf
import gc
import multiprocessing
import os
import threading
import time

from .measure import mix64, rss_bytes
from .workloads import SPIN_RATE, Batch, skip_cancel, skip_compute, skip_wait, sleep_at_least, spin

LOOPS = ("py_asyncio", "py_uvloop")


# ------------------------------------------------------------------ fanout

CANCEL_REACH = 0.005  # fanout.cpp's kCancelReach


def fanout_delay(i, k):
    """Task i's wait in seconds: fanout.cpp's delay() (5 ms + 20 ms x a permutation / K)."""
    j = i if k % 7919 == 0 else (i * 7919) % k
    return (5000 + 20000 * j // max(1, k)) * 1e-6


class Outcome:
    """fanout.cpp's Outcome: each task's end (completed or cancelled) reported once, what the
    consumer was handed and when, and the checks."""

    def __init__(self, k, wait):
        self.k, self.wait = k, wait
        self.state = [0] * k   # 1 completed, 2 cancelled
        self.took = [0.0] * k
        self.values = [0] * k  # each task's value, set where it ends (a lost task keeps 0)
        self.twice = False
        self.first_delivery = self.last_delivery = self.released = None
        self.last_due = None  # the latest end of a completed task's wait (its start + delay)
        self.lock = threading.Lock()
        self.start = time.perf_counter()

    def ended(self, i, took, completed):
        with self.lock:
            if self.state[i]:
                self.twice = True
            self.state[i] = 1 if completed else 2
            self.took[i] = took
            self.values[i] = mix64(i ^ 0xFA0)
            if completed:
                due = time.perf_counter() - took + fanout_delay(i, self.k)
                self.last_due = due if self.last_due is None else max(self.last_due, due)

    def delivered(self, n=1):
        now = time.perf_counter()
        if self.first_delivery is None:
            self.first_delivery = now
        self.last_delivery = now

    def batch(self):
        b = Batch(values=list(self.values))
        if self.twice or 0 in self.state:
            b.errors.append(f"{sum(1 for s in self.state if s)} task endings reported for {self.k} "
                            "tasks: one was lost or reported twice")
            return b
        cancelled = self.state.count(2)
        for i in range(self.k):
            d = fanout_delay(i, self.k)
            if self.state[i] == 1 and self.took[i] < d:
                b.errors.append(f"task {i} completed in {self.took[i] * 1e6:.0f} us, less than its "
                                f"{d * 1e6:.0f} us wait: it was skipped")
                return b
        completed = self.k - cancelled
        # As in fanout.cpp: a task still due to wait over CANCEL_REACH after the consumer took
        # the first result must have been cancelled; one held off the CPU until every wait had
        # ended had nothing left to cancel.
        late = (self.last_due - self.first_delivery) if completed else 0.0
        if self.wait == "first" and self.k > 1 and (completed == 0 or (cancelled == 0 and late > CANCEL_REACH)):
            still = f", one still due to wait {late * 1e6:.0f} us after the first result was taken" if completed else ""
            b.errors.append(f"wait:first cancelled {cancelled} and completed {completed} of {self.k} "
                            f"tasks{still}: the first result did not cancel the rest")
        if self.wait != "first" and cancelled:
            b.errors.append(f"{cancelled} tasks were cancelled under wait:{self.wait}")
        b.figures["first_result_ms"] = (self.first_delivery - self.start) * 1e3
        if self.wait == "first":
            b.figures["released_ms"] = (self.released - self.first_delivery) * 1e3
            b.figures["cancelled"] = float(cancelled)
        else:
            b.figures["all_results_ms"] = (self.last_delivery - self.start) * 1e3
        return b


async def _fanout_loop(k, wait):
    o = Outcome(k, wait)

    async def task(i):
        t0 = time.perf_counter()
        try:
            if not skip_wait():
                await sleep_at_least(fanout_delay(i, k), time.monotonic_ns())
        except asyncio.CancelledError:
            o.ended(i, time.perf_counter() - t0, False)
            raise
        o.ended(i, time.perf_counter() - t0, True)
        return i

    o.start = time.perf_counter()
    tasks = [asyncio.create_task(task(i)) for i in range(k)]
    if wait == "all":
        await asyncio.gather(*tasks)
        for _ in tasks:
            o.delivered()
    elif wait == "each":
        for f in asyncio.as_completed(tasks):
            await f
            o.delivered()
    else:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        o.delivered()
        for t in pending:
            if not skip_cancel():
                t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        o.released = time.perf_counter()
    return o.batch()


def _fanout_threads(pool, k, wait):
    o = Outcome(k, wait)
    stop = [threading.Event() for _ in range(k)]

    def task(i):
        t0 = time.perf_counter()
        d = fanout_delay(i, k)
        cancelled = False
        if not skip_wait():  # a wait a thread can be woken from: an Event, set to cancel it
            while (left := d - (time.perf_counter() - t0)) > 0:
                if stop[i].wait(left):
                    break
            cancelled = stop[i].is_set()  # set before the task ran again: asyncio's cancel() wins too
        o.ended(i, time.perf_counter() - t0, not cancelled)
        return i

    o.start = time.perf_counter()
    futures = [pool.submit(task, i) for i in range(k)]
    if wait == "all":
        cf.wait(futures)
        for f in futures:
            f.result()
            o.delivered()
    elif wait == "each":
        for f in cf.as_completed(futures):
            f.result()
            o.delivered()
    else:
        done, pending = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
        o.delivered()
        first = {futures.index(f) for f in done}
        for i in range(k):
            if i not in first and not skip_cancel():
                stop[i].set()
        cf.wait(pending)
        o.released = time.perf_counter()
    return o.batch()


class Fanout:
    name = "fanout"
    kind = "scenario"
    question = ("gather() vs create_task(): how long until all results, until each, and until "
                "the first with the rest cancelled, and how long do the cancelled tasks take to "
                "release what they held?")
    figures = ("first_result_ms", "all_results_ms", "released_ms", "cancelled")

    def grid(self, suite, model, cores):
        if model == "py_procs":
            return []  # a running worker process cannot be cancelled, only killed
        ks = [100] if suite == "quick" else [10, 100, 1000]
        return [dict({"workers": k} if model == "py_threads" else {}, wait=w, tasks=k)
                for k in ks for w in ("all", "each", "first")]

    def tasks(self, p):
        return p["tasks"]

    def reference(self, p):
        return [mix64(i ^ 0xFA0) for i in range(p["tasks"])]

    def setup(self, model, p, engine):
        k, wait = p["tasks"], p["wait"]
        if model in LOOPS:
            return lambda: engine.run(_fanout_loop(k, wait))
        return lambda: _fanout_threads(engine.pool, k, wait)


# ------------------------------------------------------------------ spawn

def unit_value(i):
    return mix64(i ^ 0x5BA7)


def unit_status(i):
    """The exit status a unit process must end with (checked: it ran, and it was this one)."""
    return unit_value(i) % 200 + 2  # never 1: multiprocessing's status for an uncaught exception


class Timeline:
    def __init__(self):
        gc.collect()
        self.rss0 = rss_bytes()
        self.memory = None
        self.t0 = time.perf_counter()

    def waiting(self, memory=None):
        self.t1 = time.perf_counter()
        self.memory = max(0, rss_bytes() - self.rss0) if memory is None else memory

    def opening(self):
        self.t2 = time.perf_counter()

    def done(self, b, n):
        t3 = time.perf_counter()
        b.figures["create_us"] = (self.t1 - self.t0) * 1e6 / n
        b.figures["complete_us"] = (t3 - self.t2) * 1e6 / n
        b.figures["unit_us"] = b.figures["create_us"] + b.figures["complete_us"]
        b.figures["mem_per_unit_bytes"] = self.memory / n
        return b


async def _spawn_loop(n):
    """n tasks, each awaiting one gate (a Future) once it has arrived; the last to arrive
    wakes the creator."""
    loop = asyncio.get_running_loop()
    gate, arrived_all = loop.create_future(), loop.create_future()
    arrived = early = 0

    async def unit(i):
        nonlocal arrived, early
        arrived += 1
        if arrived == n:
            arrived_all.set_result(None)
        if not skip_wait():
            await gate
        early += not gate.done()
        return unit_value(i)

    t = Timeline()
    tasks = [asyncio.create_task(unit(i)) for i in range(n)]
    await arrived_all
    t.waiting()
    t.opening()
    gate.set_result(None)
    values = await asyncio.gather(*tasks)
    b = Batch(values=values)
    if early:
        b.errors.append(f"{early} units went past the gate before it opened: they did not wait")
    return t.done(b, n)


def _spawn_threads(n):
    gate, arrived = threading.Event(), threading.Semaphore(0)
    values, early = [0] * n, []

    def unit(i):
        arrived.release()
        if not skip_wait():
            gate.wait()
        if not gate.is_set():
            early.append(i)
        values[i] = unit_value(i)

    t = Timeline()
    threads = [threading.Thread(target=unit, args=(i,)) for i in range(n)]
    started = []
    try:
        for th in threads:
            th.start()
            started.append(th)
        for _ in range(n):
            arrived.acquire()
        t.waiting()
        t.opening()
    finally:  # also when a thread could not start: those that did are let go and joined
        gate.set()
        for th in started:
            th.join()
    b = Batch(values=values)
    if early:
        b.errors.append(f"{len(early)} units went past the gate before it opened: they did not wait")
    return t.done(b, n)


def _unit_process(i, arrive_w, gate_r, parent_ends):
    for fd in parent_ends:  # the parent's ends: its end of file must mean every unit has gone
        os.close(fd)
    os.write(arrive_w, b"A")
    os.close(arrive_w)
    if not skip_wait():
        os.read(gate_r, 1)
    os._exit(unit_status(i))


def _private_bytes(pid):
    """A child's own memory: private pages (smaps_rollup) and its page tables."""
    total = 0
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1]) * 1024
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmPTE:"):
                total += int(line.split()[1]) * 1024
    except OSError:
        pass
    return total


def _spawn_procs(n):
    """As run_processes in spawn.cpp: each child writes a byte to the arrival pipe, then reads
    its gate byte; the parent opens the gate and reaps each exit status. The parent's ends are
    closed in each child, and its copy of the arrival pipe's write end once all are started,
    so that a unit that dies early is an end of file, not a hang; on any way out the gate is
    opened and every started unit reaped."""
    ctx = multiprocessing.get_context("fork")
    arrive_r, arrive_w = os.pipe()
    gate_r, gate_w = os.pipe()
    b = Batch()
    started, opened = [], False
    try:
        t = Timeline()
        for i in range(n):
            p = ctx.Process(target=_unit_process, args=(i, arrive_w, gate_r, (arrive_r, gate_w)))
            p.start()
            started.append(p)
        os.close(arrive_w)
        arrive_w = None
        got = 0
        while got < n:
            chunk = os.read(arrive_r, n - got)
            if not chunk:
                break
            got += len(chunk)
        if got < n:
            b.errors.append(f"only {got} of {n} units arrived at the gate")
        sample = started[:: max(1, n // 16)][:16]
        t.waiting(sum(_private_bytes(p.pid) for p in sample) / len(sample) * n)
        t.opening()
        os.write(gate_w, b"G" * n)
        opened = True
        for i, p in enumerate(started):
            p.join()
            if p.exitcode == unit_status(i):
                b.values.append(unit_value(i))
            else:
                b.errors.append(f"unit {i} ended with {p.exitcode}, expected {unit_status(i)}")
        left = len(os.read(gate_r, 65536)) if _readable(gate_r) else 0
        if left:
            b.errors.append(f"{left} units never read their gate byte: they did not wait")
        return t.done(b, n)
    finally:
        if not opened and started:
            os.write(gate_w, b"G" * len(started))
        for p in started:
            p.join(timeout=10)
            if p.exitcode is None:
                p.kill()
                p.join()
        for fd in (arrive_r, arrive_w, gate_r, gate_w):
            if fd is not None:
                os.close(fd)


def _readable(fd):
    import select
    return bool(select.select([fd], [], [], 0)[0])


class Spawn:
    name = "spawn"
    kind = "scenario"
    question = ("async def vs await: what does one unit cost to create, to complete and to keep "
                "suspended (a coroutine, a thread, a TBB task, a fork, a fork+exec)? A coroutine "
                "called without await does not run.")
    figures = ("create_us", "complete_us", "unit_us", "mem_per_unit_bytes")

    def grid(self, suite, model, cores):
        units = [100] if suite == "quick" else [1, 100, 10000]
        if model == "py_procs":
            units = [u for u in units if u <= 100]  # a Python interpreter per unit
        return [{"units": u} for u in units]

    def tasks(self, p):
        return p["units"]

    def reference(self, p):
        return [unit_value(i) for i in range(p["units"])]

    def setup(self, model, p, engine):
        n = p["units"]
        if model in LOOPS:
            once = lambda: engine.run(_spawn_loop(n))  # noqa: E731
        elif model == "py_threads":
            once = lambda: _spawn_threads(n)  # noqa: E731
        else:
            once = lambda: _spawn_procs(n)  # noqa: E731
        most = [0.0]

        def run():
            # The memory the waiting units hold is their first run's growth: later runs reuse
            # what it freed (pymalloc's arenas, malloc's free lists), and grow by nothing.
            b = once()
            most[0] = max(most[0], b.figures.get("mem_per_unit_bytes", 0.0))
            b.figures["mem_per_unit_bytes"] = most[0]
            return b
        return run


# ------------------------------------------------------------------ file

def file_data(i, n):
    """File i's n bytes: distinct per file, made in the task (as C++'s fill)."""
    import random
    return random.Random(i ^ 0xF11E).randbytes(n)


def file_digest(data):
    import hashlib
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def file_picked(i, pct):
    return mix64(i ^ 0xF11E) % 100 < pct


def file_path(folder, i):
    return os.path.join(folder, f"f{i}")


def file_task(folder, n, pct, i):
    """A thread's or a worker process's task: the built-in open() in a `with`."""
    data = file_data(i, n)
    with open(file_path(folder, i), "wb") as f:
        if file_picked(i, pct):
            raise RuntimeError(f"injected failure in task {i} with its file open")
        if not skip_wait():
            f.write(data)
    with open(file_path(folder, i), "rb") as f:
        return file_digest(f.read())


async def file_task_async(folder, n, pct, i):
    """The loop's task: aiofiles' async context manager (each call runs on a thread)."""
    import aiofiles
    data = file_data(i, n)
    async with aiofiles.open(file_path(folder, i), "wb") as f:
        if file_picked(i, pct):
            raise RuntimeError(f"injected failure in task {i} with its file open")
        if not skip_wait():
            await f.write(data)
    async with aiofiles.open(file_path(folder, i), "rb") as f:
        return file_digest(await f.read())


class File:
    name = "file"
    kind = "scenario"
    question = ("Writing an async context manager: file I/O inside a scope that always closes, "
                "async on the loop against blocking I/O in workers; no descriptor leaked when the "
                "body throws.")
    figures = ()

    def grid(self, suite, model, cores):
        kib = [64] if suite == "quick" else [4, 64, 1024]
        base = {"concurrency": 16} if model in LOOPS else {"workers": cores}
        return [dict(base, file_kib=k, files=64 if k >= 1024 else 256) for k in kib]

    def tasks(self, p):
        return p["files"]

    def bytes(self, p):
        return 2 * p["files"] * p["file_kib"] * 1024

    def reference(self, p):
        return [file_digest(file_data(i, p["file_kib"] * 1024)) for i in range(p["files"])]

    def setup(self, model, p, engine):
        import functools
        import shutil
        import tempfile
        folder = tempfile.mkdtemp(prefix="concbench-file-")
        self.close = lambda: shutil.rmtree(folder, ignore_errors=True)
        n, size, pct = p["files"], p["file_kib"] * 1024, p.get("fail_pct", 0)
        if model in LOOPS:
            async def one(i, _lane):
                return await file_task_async(folder, size, pct, i)
            return lambda: Batch(values=engine.run_lanes(one, n, p["concurrency"]))
        task = functools.partial(file_task, folder, size, pct)
        return lambda: Batch(values=[f.result() for f in [engine.pool.submit(task, i) for i in range(n)]])


# ------------------------------------------------------------------ errors

THROWN = "injected failure in task "


def picked(i, pct):
    return mix64(i ^ 0xFA11) % 100 < pct


def ok_value(i, it):
    return spin(it, mix64(i))


def failed_value(v):
    return mix64(v ^ 0xE7707)


def errors_task(it, pct, i):
    """A model's task: computes, then raises if picked (the failure carries what it computed)."""
    v = mix64(i) if skip_compute() else ok_value(i, it)
    if picked(i, pct):
        raise RuntimeError(f"{THROWN}{i} after computing {v}")
    return v


class Errors:
    name = "errors"
    kind = "scenario"
    question = ("Exceptions in tasks; gather(return_exceptions=True): is every result and every "
                "error handed back, what does the failure path cost, and does a worker process "
                "that crashes become an error rather than a hang?")
    figures = ("failures", "successes")

    def grid(self, suite, model, cores):
        sized = model in ("py_threads", "py_procs")
        return [dict({"workers": cores} if sized else {}, dispatch="each", fail="throw", fail_pct=pct)
                for pct in (0, 10, 100)]

    def tasks(self, p):
        return 1000

    def iterations(self, p):
        return max(1, int(SPIN_RATE[0] * 10))

    def reference(self, p):
        it, pct = self.iterations(p), p["fail_pct"]
        return [failed_value(ok_value(i, it)) if picked(i, pct) else ok_value(i, it)
                for i in range(self.tasks(p))]

    def setup(self, model, p, engine):
        from .models import bind
        n, it, pct = self.tasks(p), self.iterations(p), p["fail_pct"]
        task = bind(errors_task, it, pct)
        if model in LOOPS:
            async def main():
                async def one(i):
                    return task(i)
                return await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
            collect = lambda: engine.run(main())  # noqa: E731
        else:
            def collect():
                futures = [engine.pool.submit(task, i) for i in range(n)]
                cf.wait(futures)
                return [f.exception() or f.result() for f in futures]

        def run():
            b = Batch()
            failures = 0
            for i, r in enumerate(collect()):
                if not isinstance(r, BaseException):
                    b.values.append(r)
                    continue
                text = str(r)
                at = text.rfind(" after computing ")
                if isinstance(r, RuntimeError) and text.startswith(f"{THROWN}{i} ") and at > 0:
                    b.values.append(failed_value(int(text[at + 17:])))
                    failures += 1
                else:  # not an injected failure: a real error
                    b.errors.append(f"task {i}: {type(r).__name__}: {text}")
                    return b
            b.figures["failures"] = float(failures)
            b.figures["successes"] = float(n - failures)
            return b
        return run


WORKLOADS = (Spawn(), Fanout(), Errors(), File())
