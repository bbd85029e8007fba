"""The Python arm's workloads: the C++ ones' names, parameters and checks (src/workloads/), in
CPython. Each has a grid (its points per model), a sequential reference and a run; a run
returns a Batch (values or errors, latencies, figures) that the harness checks as the C++
harness does: the checksum against the reference's, every wait at least its length, the run
no shorter than its ideal makespan, tasks in flight within the concurrency.
  cpu.spin       a pure-Python loop of `grain_us` per task (calibrated: spin_iterations_per_us)
  cpu.real       the C++ side's order documents (about 2 KB of JSON each): parse, total the
                 lines, add the total, serialise, hash (json, hashlib.blake2b: Python's own)
  ipc            each task hands `payload_bytes` of distinct data to a worker, which reads all
                 of it (zlib.crc32, in C) and answers 8 bytes: threads and the loop read the
                 parent's memory in place (memoryview slices), processes get it pickled
  io.sleep       `concurrency` waits of `latency_us` in flight (asyncio.sleep / time.sleep)
  mixed          each task waits `latency_us`, then computes `grain_us` of cpu.spin's work:
                 a loop overlaps the waits and serialises the computing, threads too (the
                 GIL), processes do both
  loop.blocking  a 1 ms probe's lateness while another task blocks `block_ms` at a time:
                 async (asyncio.sleep), sleep (time.sleep), cpu (inline), to_thread
                 (asyncio.to_thread), to_procs (run_in_executor on a process pool)
CONCBENCH_TEST_BREAK=skip_wait (or skip_compute, or skip_cancel for fanout's wait:first) breaks
the work on purpose, as in C++: the harness must then report an error, never a number."""
import asyncio
import concurrent.futures as cf
import functools
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field

from .measure import MASK, mix64

BREAK = os.environ.get("CONCBENCH_TEST_BREAK", "")


def skip_wait():
    return BREAK in ("skip_wait", "skip_all")


def skip_compute():
    return BREAK in ("skip_compute", "skip_all")


def skip_cancel():
    """fanout's wait:first takes the first result and leaves the rest running."""
    return BREAK == "skip_cancel"


@dataclass
class Batch:
    values: list = field(default_factory=list)
    latencies_ns: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    samples: dict = field(default_factory=dict)
    intervals: list = field(default_factory=list)  # (start ns, end ns) of each task's wait


# ------------------------------------------------------------------ cpu.spin

SPIN_RATE = [0.0]  # iterations of spin() per microsecond, set by the harness


def spin(n, i):
    x = i
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
    return x


def calibrate(seconds=0.2):
    """Iterations of spin() per microsecond on this machine (best of 3), timed by this thread's own
    CPU clock: a round the scheduler interrupts on a busy machine is not counted as spinning."""
    best = 0.0
    for _ in range(3):
        n = 20000
        t0 = time.thread_time()
        spin(n, 1)
        dt = time.thread_time() - t0
        n = max(n, int(n * seconds / 3 / max(dt, 1e-4)))
        t0 = time.thread_time()
        spin(n, 1)
        best = max(best, n / (max(time.thread_time() - t0, 1e-6) * 1e6))
    return best


def spin_task(n, i):
    """A model's task (the reference calls spin() itself: the test's breakage is the models')."""
    return i if skip_compute() else spin(n, i)


class CpuSpin:
    name = "cpu.spin"
    kind = "cpu"

    def grid(self, suite, model, cores):
        grains = [10, 1000] if suite == "quick" else [10, 100, 1000]  # 10 us: the per-task overhead
        sized = model in ("py_threads", "py_procs")
        out = []
        for g in grains:
            for d in ("each", "map"):
                p = {}
                if sized:
                    p["workers"] = cores
                p.update({"dispatch": d, "grain_us": g})
                out.append(p)
        return out

    def tasks(self, p):
        # 0.2 s of sequential work, between 200 and 20,000 tasks
        return max(200, min(20000, 200000 // p["grain_us"]))

    def iterations(self, p):
        return max(1, int(SPIN_RATE[0] * p["grain_us"]))

    def reference(self, p):
        n = self.iterations(p)
        return [spin(n, i) for i in range(self.tasks(p))]

    def setup(self, model, p, engine):
        from .models import bind
        task = bind(spin_task, self.iterations(p))

        def run():
            return Batch(values=engine.run_cpu(task, range(self.tasks(p)), p["dispatch"]))
        return run


# ------------------------------------------------------------------ cpu.real

def document(i):
    """Order document i: cpu_real.cpp's document() (the same fields and values), as JSON."""
    import json
    lines = []
    for k in range(12):
        r = mix64(i * 31 + k)
        lines.append({"note": "x" * (r % 40), "price": (r % 100000) / 100.0, "qty": r % 9 + 1,
                      "sku": f"SKU-{r % 1000000}"})
    doc = {"customer": {"name": f"customer-{mix64(i) % 100000}", "tags": ["retail", "eu", str(i % 13)],
                        "vip": mix64(i) % 7 == 0},
           "id": i, "lines": lines}
    return json.dumps(doc, separators=(",", ":"))


def process(text):
    """Parse, total, add the total, serialise, hash: the value (64 bits of BLAKE2b)."""
    import hashlib
    import json
    doc = json.loads(text)
    doc["total"] = sum(line["qty"] * line["price"] for line in doc["lines"])
    out = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    return int.from_bytes(hashlib.blake2b(out, digest_size=8).digest(), "little")


def process_task(text):
    """A model's task (the reference calls process() itself: the test's breakage is the models')."""
    return mix64(len(text)) if skip_compute() else process(text)


class CpuReal:
    name = "cpu.real"
    kind = "cpu"

    def grid(self, suite, model, cores):
        sized = model in ("py_threads", "py_procs")
        return [dict({"workers": cores} if sized else {}, dispatch=d) for d in ("each", "map")]

    def tasks(self, p):
        return 2000

    def reference(self, p):
        return [process(d) for d in self.docs(p)]

    def docs(self, p):
        if getattr(self, "_docs", None) is None or len(self._docs) != self.tasks(p):
            self._docs = [document(i) for i in range(self.tasks(p))]
        return self._docs

    def setup(self, model, p, engine):
        docs = self.docs(p)  # made after the pool started: workers get them pickled, per task

        def run():
            return Batch(values=engine.run_cpu(process_task, docs, p["dispatch"]))
        return run


# ------------------------------------------------------------------ ipc

def llc_bytes():
    """The last-level cache of cpu 0 (sysfs), as C++'s ipc.cpp reads it; 32 MiB if unknown."""
    best = 0
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        for d in os.listdir(base):
            text = open(f"{base}/{d}/size").read().strip()
            n = int(text[:-1]) * {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[text[-1]] \
                if text[-1] in "KMG" else int(text)
            best = max(best, n)
    except (OSError, ValueError, KeyError):
        pass
    return best or 32 << 20


def fold(b):
    """Reads every byte once (in C): the task's value."""
    import zlib
    return (zlib.crc32(b) << 32) | (len(b) & 0xFFFFFFFF)


def fold_task(b):
    """A model's task (the reference calls fold() itself: the test's breakage is the models')."""
    return mix64(len(b)) if skip_compute() else fold(b)


class Slices:
    """Payload i of a buffer, without building them all: a memoryview slice (read in place),
    or with copy=True a bytes copy (what a process must be sent: memoryviews do not pickle)."""

    def __init__(self, view, size, n, copy):
        self.view, self.size, self.n, self.copy = view, size, n, copy

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self.n))]
        if not 0 <= i < self.n:
            raise IndexError(i)
        part = self.view[i * self.size:(i + 1) * self.size]
        return bytes(part) if self.copy else part


class Ipc:
    name = "ipc"
    kind = "cpu"

    def grid(self, suite, model, cores):
        sizes = [1024, 1 << 20] if suite == "quick" else [0, 1024, 65536, 1 << 20]
        sized = model in ("py_threads", "py_procs")
        return [dict({"workers": cores} if sized else {}, dispatch=d, payload_bytes=b)
                for b in sizes for d in ("each", "map")]

    def tasks(self, p):
        """As C++: distinct payloads filling max(128 MiB, 2 x the last-level cache), at least
        64; but at most 20,000 (C++: 200,000): a Python task costs tens of microseconds to
        hand over, and small payloads measure that, not the bytes. 20,000 empty ones."""
        b = p["payload_bytes"]
        if b == 0:
            return 20000
        return max(64, min(20000, max(128 << 20, 2 * llc_bytes()) // b))

    def bytes(self, p):
        return self.tasks(p) * p["payload_bytes"]

    def data(self, p):
        n, b = self.tasks(p), p["payload_bytes"]
        key = (n, b)
        if getattr(self, "_key", None) != key:
            import random
            self._buf, self._key = random.Random(b).randbytes(n * b), key
        return memoryview(self._buf)

    def reference(self, p):
        return [fold(x) for x in Slices(self.data(p), p["payload_bytes"], self.tasks(p), False)]

    def setup(self, model, p, engine):
        items = Slices(self.data(p), p["payload_bytes"], self.tasks(p), copy=model == "py_procs")

        def run():
            return Batch(values=engine.run_cpu(fold_task, items, p["dispatch"]))
        return run


# ------------------------------------------------------------------ io.sleep

class IoSleep:
    name = "io.sleep"
    kind = "io"

    def grid(self, suite, model, cores):
        pts = [(100, 10000), (1000, 100000), (10000, 100000)]  # C++'s quick points
        if suite != "quick":
            pts += [(1000, 1000)]
        out = []
        for c, l in pts:
            if model == "py_procs" and c > 100:
                continue  # a Python process per wait: 1,000 interpreters is not a pool anyone runs
            if model == "py_threads" and c > 1000:
                continue
            p = {"workers": c} if model in ("py_threads", "py_procs") else {}
            p.update({"concurrency": c, "latency_us": l})
            out.append(p)
        return out

    def tasks(self, p):
        return 4 * p["concurrency"]

    def ideal(self, p):
        return -(-self.tasks(p) // p["concurrency"]) * p["latency_us"] * 1e-6

    def wait_us(self, p):
        return p["latency_us"]

    def reference(self, p):
        return [mix64(i) for i in range(self.tasks(p))]

    def setup(self, model, p, engine):
        n, secs = self.tasks(p), p["latency_us"] * 1e-6
        if model in ("py_asyncio", "py_uvloop"):
            async def one(i, _lane):
                t0 = time.monotonic_ns()
                if not skip_wait():
                    await asyncio.sleep(secs)
                return mix64(i), t0, time.monotonic_ns()

            def run():
                return batch_of(engine.run_lanes(one, n, p["concurrency"]))
            return run
        if model == "py_procs":
            def run():
                return batch_of([f.result() for f in [engine.pool.submit(sleep_task, secs, i)
                                                      for i in range(n)]])
            return run

        def run():
            return batch_of(engine.run_blocking(functools.partial(sleep_task, secs), n))
        return run


def sleep_task(secs, i):
    """One blocking wait (a thread's or a worker process's): its value and when it waited."""
    t0 = time.monotonic_ns()
    if not skip_wait():
        time.sleep(secs)
    return mix64(i), t0, time.monotonic_ns()


def batch_of(got):
    """(value, wait start, wait end[, due]) per task, in task order (CLOCK_MONOTONIC: one clock
    for every process, so that the harness counts the waits in flight at once from the
    intervals). With a due time (an open loop) the latency counts from it, as pgbench -R's."""
    return Batch(values=[g[0] for g in got],
                 latencies_ns=[g[2] - (g[3] if len(g) > 3 else g[1]) for g in got],
                 intervals=[(g[1], g[2]) for g in got])


# ------------------------------------------------------------------ mixed

class Mixed:
    name = "mixed"
    kind = "io"

    def grid(self, suite, model, cores):
        grains = [100, 1000] if suite == "quick" else [10, 100, 1000, 10000]
        c = 32
        return [dict({"workers": c} if model in ("py_threads", "py_procs") else {},
                     concurrency=c, latency_us=1000, grain_us=g) for g in grains]

    def tasks(self, p):
        return 4 * p["concurrency"]

    def iterations(self, p):
        return max(1, int(SPIN_RATE[0] * p["grain_us"]))

    def ideal(self, p):
        n, lat, w = self.tasks(p), p["latency_us"] * 1e-6, p["grain_us"] * 1e-6
        from .measure import available_cores
        return max(-(-n // p["concurrency"]) * (lat + w), n * w / available_cores())

    def floor(self, p):
        """What a run cannot beat: its waits (the grain is calibrated work, not a timer)."""
        return -(-self.tasks(p) // p["concurrency"]) * p["latency_us"] * 1e-6

    def wait_us(self, p):
        return p["latency_us"]

    def reference(self, p):
        n = self.iterations(p)
        return [spin(n, mix64(i)) for i in range(self.tasks(p))]

    def setup(self, model, p, engine):
        n, secs, it = self.tasks(p), p["latency_us"] * 1e-6, self.iterations(p)
        if model in ("py_asyncio", "py_uvloop"):
            async def one(i, _lane):
                t0 = time.monotonic_ns()
                if not skip_wait():
                    await sleep_at_least(secs, t0)
                t1 = time.monotonic_ns()
                return spin_task(it, mix64(i)), t0, t1

            def run():
                return batch_of(engine.run_lanes(one, n, p["concurrency"]))
            return run
        task = functools.partial(mixed_task, secs, it)
        if model == "py_procs":
            def run():
                return batch_of([f.result() for f in [engine.pool.submit(task, i) for i in range(n)]])
            return run

        def run():
            return batch_of(engine.run_blocking(task, n))
        return run


async def sleep_at_least(secs, t0_ns):
    """asyncio.sleep until `secs` of real time have passed since t0_ns. uvloop counts timers
    from libuv's loop time, cached in whole milliseconds at the start of a loop iteration:
    after CPU work on the loop, a 1 ms sleep returned after 46 us (seen in mixed at 100 us of
    work per task), so the rest is slept again."""
    while (left := secs - (time.monotonic_ns() - t0_ns) * 1e-9) > 0:
        await asyncio.sleep(left)


def mixed_task(secs, it, i):
    """Wait, then compute (a thread's or a worker process's): value, wait start, wait end."""
    t0 = time.monotonic_ns()
    if not skip_wait():
        time.sleep(secs)
    t1 = time.monotonic_ns()
    return spin_task(it, mix64(i)), t0, t1


# ------------------------------------------------------------------ loop.blocking

BLOCKS = ("async", "sleep", "cpu", "to_thread", "to_procs")


def burn(seconds):
    """CPU work for `seconds` (the blocking call of block:cpu); returns how long it took."""
    t0 = time.perf_counter()
    if not skip_wait():
        x = 1
        while time.perf_counter() - t0 < seconds:
            for _ in range(1000):
                x = (x * 6364136223846793005 + 1) & MASK
    return time.perf_counter() - t0


def nap(seconds):
    t0 = time.perf_counter()
    if not skip_wait():
        time.sleep(seconds)
    return time.perf_counter() - t0


class LoopBlocking:
    name = "loop.blocking"
    kind = "scenario"
    question = ("How does the event loop work, and what happens if you block it with a "
                "synchronous call? Running blocking operations from async code (to_thread, "
                "run_in_executor).")
    figures = ("lag_us", "probe_ticks_per_s", "blocked_ms_mean")

    def grid(self, suite, model, cores):
        if model in ("py_asyncio", "py_uvloop"):
            blocks = BLOCKS
            base = {}
        else:
            blocks = ("sleep", "cpu")
            base = {"workers": 2}
        return [dict(base, block=b, block_ms=10) for b in blocks]

    def tasks(self, p):
        return max(2, 200 // p["block_ms"])

    def reference(self, p):
        return [mix64(i) for i in range(self.tasks(p))]

    def setup(self, model, p, engine):
        n, secs, block = self.tasks(p), p["block_ms"] * 1e-3, p["block"]
        period = 1e-3
        if model in ("py_asyncio", "py_uvloop"):
            procs = cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) \
                if block == "to_procs" else None
            if procs:
                procs.submit(nap, 0).result()  # forked before the timed runs
            self.close = (lambda: procs.shutdown(wait=True)) if procs else None

            async def main():
                lags, took, done = [], [], False

                async def probe():
                    while not done:
                        due = time.perf_counter() + period
                        await asyncio.sleep(period)
                        lags.append((time.perf_counter() - due) * 1e6)

                async def blocker():
                    nonlocal done
                    loop = asyncio.get_running_loop()
                    for _ in range(n):
                        await asyncio.sleep(secs)
                        if block == "async":
                            t0 = time.perf_counter()
                            if not skip_wait():
                                await asyncio.sleep(secs)
                            took.append(time.perf_counter() - t0)
                        elif block == "sleep":
                            took.append(nap(secs))
                        elif block == "cpu":
                            took.append(burn(secs))
                        elif block == "to_thread":
                            took.append(await asyncio.to_thread(nap, secs))
                        else:
                            took.append(await loop.run_in_executor(procs, burn, secs))
                    done = True
                t0 = time.perf_counter()
                await asyncio.gather(probe(), blocker())
                return lags, took, time.perf_counter() - t0
            run_main = lambda: engine.run(main())  # noqa: E731
        else:
            def run_main():
                lags, took, done = [], [], threading.Event()

                def probe():
                    while not done.is_set():
                        due = time.perf_counter() + period
                        time.sleep(period)
                        lags.append((time.perf_counter() - due) * 1e6)

                def blocker():
                    for _ in range(n):
                        time.sleep(secs)
                        took.append(nap(secs) if block == "sleep" else burn(secs))
                    done.set()
                t0 = time.perf_counter()
                if model == "py_procs":
                    # The probe and the blocker in two worker processes: lags come back pickled.
                    f1 = engine.pool.submit(_probe_until, period, 3 * n * secs)
                    f2 = engine.pool.submit(_blocker, n, secs, block)
                    took = f2.result()
                    lags = f1.result()
                else:
                    f1 = engine.pool.submit(probe)
                    f2 = engine.pool.submit(blocker)
                    f2.result()
                    f1.result()
                return lags, took, time.perf_counter() - t0

        def run():
            lags, took, wall = run_main()
            b = Batch(values=[mix64(i) for i in range(len(took))])
            early = 1e-3 if model == "py_uvloop" and block == "async" else 0  # libuv's ms clock
            short = [t for t in took if t < max(secs * 0.999 - early, secs / 2)]
            if short:
                b.errors.append(f"a blocking call took {min(short) * 1e3:.3f} ms, less than its "
                                f"{p['block_ms']} ms: the block was skipped")
            if not lags:
                b.errors.append("the probe never woke")
            b.samples["lag_us"] = lags
            b.figures["probe_ticks_per_s"] = len(lags) / wall
            b.figures["blocked_ms_mean"] = 1e3 * sum(took) / max(1, len(took))
            return b
        return run


def _probe_until(period, seconds):
    lags, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end:
        due = time.perf_counter() + period
        time.sleep(period)
        lags.append((time.perf_counter() - due) * 1e6)
    return lags


def _blocker(n, secs, block):
    took = []
    for _ in range(n):
        time.sleep(secs)
        took.append(nap(secs) if block == "sleep" else burn(secs))
    return took


WORKLOADS = {w.name: w for w in (CpuSpin(), CpuReal(), Ipc(), IoSleep(), Mixed(), LoopBlocking())}
