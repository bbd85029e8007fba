"""The Python models, each as its own experts write it, and each said once here:
  py_asyncio  one asyncio event loop (the default selector loop)              waits: loop
  py_uvloop   the same code on uvloop's loop (libuv)                           waits: loop
  py_threads  concurrent.futures.ThreadPoolExecutor(max_workers=W)            waits: blocking
  py_procs    concurrent.futures.ProcessPoolExecutor(max_workers=W), fork     waits: blocking
Independent tasks are handed over in the two shapes of the C++ side (dispatch:each, one
submit() per task; dispatch:map, the whole range: on the pools chunks of ceil(n / 4W) per
submit, as ProcessPoolExecutor.map(chunksize=...) sends them; one coroutine over the range on
a loop). Pools are started, and their workers forked, before the timed runs. Each engine
counts the tasks handed over and not yet finished (`peak`, as C++'s inflight::tasks)."""
import asyncio
import collections
import concurrent.futures as cf
import functools
import multiprocessing
import os
import threading
import time

# As context concbench_model_kinds (models/kinds.hpp's fields), for the report; `clients`: the
# library each model's db and http tasks use.
KINDS = {
    "py_asyncio": {"waits": "loop", "workers": "threads", "sized": False, "each": True, "map": True,
                   "per_task": False, "shape": "Python: one asyncio event loop (selector), coroutines",
                   "floor": "",
                   "family": "loop", "style": {"colour": "#17becf", "marker": "h", "line": "dashed"},
                   "stands_for": "asyncio", "unit": "an asyncio task (create_task)",
                   "clients": {"db": "asyncpg", "http": "aiohttp"}},
    "py_uvloop": {"waits": "loop", "workers": "threads", "sized": False, "each": True, "map": True,
                  "per_task": False, "shape": "Python: one uvloop event loop (libuv), coroutines",
                  "floor": "",
                  "family": "loop", "style": {"colour": "#393b79", "marker": "p", "line": "dashed"},
                  "stands_for": "", "unit": "a uvloop task",
                  "clients": {"db": "asyncpg", "http": "aiohttp"}},
    "py_threads": {"waits": "blocking", "workers": "threads", "sized": True, "each": True, "map": True,
                   "per_task": False, "shape": "Python: ThreadPoolExecutor(max_workers=W), the GIL held "
                   "while Python runs", "floor": "",
                   "family": "pool", "style": {"colour": "#8c6d31", "marker": "d", "line": "dashed"},
                   "stands_for": "threading", "unit": "a threading.Thread",
                   "clients": {"db": "psycopg", "http": "requests"}},
    "py_procs": {"waits": "blocking", "workers": "processes", "sized": True, "each": True, "map": True,
                 "per_task": False, "shape": "Python: ProcessPoolExecutor(max_workers=W), forked workers, "
                 "pickled tasks and results", "floor": "",
                 "family": "processes", "style": {"colour": "#843c39", "marker": ">", "line": "dashed"},
                 "stands_for": "multiprocessing", "unit": "a multiprocessing.Process (fork)",
                 "clients": {"db": "psycopg", "http": "requests"}},
}
MODELS = tuple(KINDS)
for _i, _m in enumerate(MODELS):  # after the C++ binary's models, in this table's order
    KINDS[_m]["order"] = 100 + _i


def new_loop(model):
    if model == "py_uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def _chunk(fn, items):
    return [fn(x) for x in items]


class InFlight:
    """Tasks handed to a pool (submitted) and not finished, sampled at each hand-over: `peak`
    is the most. Python's pools queue every submitted task, so this is the queue, not C++'s
    claimed chunks. No lock: a finished future's callback (on a pool thread, or the result
    thread for processes) appends to a deque (atomic), which the submitting thread drains."""

    def __init__(self):
        self.peak = 0
        self._handed = self._finished = 0
        self._done = collections.deque()

    def handed(self, future, k=1):
        self._handed += k
        while self._done:
            self._finished += self._done.popleft()
        self.peak = max(self.peak, self._handed - self._finished)
        future.add_done_callback(lambda _f: self._done.append(k))
        return future


class Loop:
    """py_asyncio / py_uvloop: one loop on this thread."""

    def __init__(self, model, workers=1):
        self.loop = new_loop(model)
        self.workers = 1
        self.peak = 0

    def pids(self):
        return []

    def run(self, main):
        return self.loop.run_until_complete(main)

    def run_cpu(self, fn, items, dispatch):
        """fn(x) for every x of `items` (a range of indices, or the tasks' arguments), results
        in order; each: one coroutine per item, gathered; map: one coroutine over them all."""
        async def each():
            async def one(x):
                return fn(x)
            return await asyncio.gather(*(one(x) for x in items))

        async def whole():
            return [fn(x) for x in items]
        # Either way every task is handed over before the first runs: gather() makes them all.
        self.peak = max(self.peak, len(items))
        return self.run(each() if dispatch == "each" else whole())

    def run_lanes(self, task, n, lanes):
        """task(i, lane) -> awaitable of a result, at most `lanes` at once, in index order; a
        lane is one coroutine (a workload may keep one connection per lane), as in C++."""
        async def main():
            out = [None] * n
            nxt = 0

            async def lane(k):
                nonlocal nxt
                while nxt < n:
                    i = nxt
                    nxt += 1
                    out[i] = await task(i, k)
            running = [asyncio.ensure_future(lane(k)) for k in range(min(lanes, n))]
            done, pending = await asyncio.wait(running, return_when=asyncio.FIRST_EXCEPTION)
            # A lane that failed ends the run: the others are cancelled and awaited, so that
            # what they hold (a connection, an open file) is released before the error leaves.
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for t in done:
                t.result()
            return out
        return self.run(main())

    def close(self):
        self.loop.close()


class Pool:
    """What py_threads and py_procs share: a concurrent.futures pool of W workers, started
    before the timed runs by the subclass, and the tasks in flight on it."""

    def __init__(self, workers, pool):
        self.workers, self.pool, self.tasks = workers, pool, InFlight()

    @property
    def peak(self):
        return self.tasks.peak

    def pids(self):
        return []

    def run_cpu(self, fn, items, dispatch):
        """fn(x) for every x of `items`, in order: each, a submit per item; map, chunks of
        ceil(n / 4W) (ProcessPoolExecutor.map's chunks, counted as they go). On processes the
        items cross pickled (a document is sent, as C++ procs sends it)."""
        if dispatch == "each":
            return [f.result() for f in [self.tasks.handed(self.pool.submit(fn, x)) for x in items]]
        n = len(items)
        size = max(1, -(-n // (4 * self.workers)))
        futures = [self.tasks.handed(self.pool.submit(_chunk, fn, items[lo:lo + size]), min(size, n - lo))
                   for lo in range(0, n, size)]
        return [v for f in futures for v in f.result()]

    def run_blocking(self, fn, n):
        return [f.result() for f in [self.pool.submit(fn, i) for i in range(n)]]

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class Threads(Pool):
    def __init__(self, model, workers):
        super().__init__(workers, cf.ThreadPoolExecutor(max_workers=workers))
        # Every thread started before the timed runs: W tasks that each hold their thread until
        # all W have one (the pool starts a new thread only when none is idle).
        meet = threading.Barrier(workers + 1)
        held = [self.pool.submit(meet.wait) for _ in range(workers)]
        meet.wait(timeout=60)
        for f in held:
            f.result()
        if len(self.pool._threads) != workers:
            raise RuntimeError(f"py_threads: {len(self.pool._threads)} of {workers} threads started")


class Procs(Pool):
    def __init__(self, model, workers):
        super().__init__(workers, cf.ProcessPoolExecutor(max_workers=workers,
                                                         mp_context=multiprocessing.get_context("fork")))
        # Every worker forked and answering before the timed runs.
        on_every_worker(self.pool, workers, hold_worker, "py_procs: started")

    def pids(self):
        return list(getattr(self.pool, "_processes", {}) or {})


def hold_worker(hold):
    """Keeps this pool worker busy `hold` seconds, so that the calls submitted beside it land on
    other workers; who it is (process and thread), for on_every_worker to count."""
    time.sleep(hold)
    return os.getpid(), threading.get_ident()


def on_every_worker(pool, workers, fn, what):
    """Runs fn(hold) (it ends with hold_worker(hold): who it was) on each of the pool's
    `workers` before the timed runs, fn doing its per-worker set-up once (a connection).
    A pool hands each call to an idle worker, so W calls that each hold their worker a while
    usually reach all W; on a loaded machine a worker can finish its hold and take a second
    one, so rounds repeat, each holding twice as long, until every worker has answered."""
    seen = set()
    hold = 0.05 + 0.002 * workers
    for _ in range(8):
        seen |= {f.result() for f in [pool.submit(fn, hold) for _ in range(workers)]}
        if len(seen) >= workers:
            return
        hold *= 2
    raise RuntimeError(f"{what}: {len(seen)} of {workers} workers answered")


ENGINES = {"py_asyncio": Loop, "py_uvloop": Loop, "py_threads": Threads, "py_procs": Procs}


def make(model, workers):
    return ENGINES[model](model, workers)


def bind(fn, *args):
    """A picklable task for a process pool: a module-level function with its arguments."""
    return functools.partial(fn, *args)
