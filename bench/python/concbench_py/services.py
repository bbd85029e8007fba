"""The real services in Python, against the C++ side's own servers:
  io.echo  the embedded echo server (`concbench --serve echo`, its own process): 64-byte
        round trips over loopback TCP, the server waiting latency_us before each reply;
        asyncio streams on the loop (one connection per lane) against blocking sockets
        (py_threads, py_procs: one connection per worker, opened before the timed runs);
        every reply checked, the same checksum as C++ (io_echo.cpp's request and value_of)
  http  the embedded HTTP server (`concbench --serve http`, its own process): aiohttp on the
        loop (py_asyncio, py_uvloop: one ClientSession, C connections) against requests
        (py_threads: a Session per thread; py_procs: a Session per worker process); every body
        checked byte for byte against the one the server must send (http_body, as in C++)
  db    a throwaway PostgreSQL (concbench-pg, the C++ side's guardian: initdb, 127.0.0.1,
        removed at the end): asyncpg on the loop (one connection per lane) against psycopg 3
        (a connection per thread or worker process), prepared statements, every value checked
        against the table's known content (the C++ db workload's table and formula)
Both need the C++ build (build/release, or CONCBENCH_BUILD_DIR); without it, or without the
Python library, the benchmark is skipped with the reason and the fix."""
import asyncio
import functools
import os
import pathlib
import signal
import subprocess
import threading
import time

from .measure import mix64
from .models import hold_worker, on_every_worker
from .workloads import batch_of, skip_wait

ROOT = pathlib.Path(__file__).resolve().parents[3]


class Skip(Exception):
    """The benchmark cannot run here: its message says why and what fixes it."""


def build_dir():
    return pathlib.Path(os.environ.get("CONCBENCH_BUILD_DIR", ROOT / "build" / "release"))


def program(name):
    p = build_dir() / name
    if not os.access(p, os.X_OK):
        raise Skip(f"needs {p} (the C++ build: cmake --preset release && cmake --build --preset release, "
                   "or ./scripts/bench; CONCBENCH_BUILD_DIR names another build)")
    return str(p)


def library(name, package):
    try:
        return __import__(name)
    except ImportError:
        raise Skip(f"needs the Python library {name} (Debian: sudo apt-get install {package}, or "
                   "./scripts/setup)") from None


# ---------------------------------------------------------------------------------- http

def http_body(i, n):
    """The body the embedded server sends for item i (servers/http_server.cpp's http_body)."""
    out = bytearray()
    for k in range(0, n, 8):
        out += mix64((i << 24) ^ k).to_bytes(8, "little")
    return bytes(out[:n])


def _readline(proc, seconds):
    """A line of `proc`'s stdout within `seconds`, or "" (a stalled helper is an error, not a
    hang)."""
    import select
    ready, _, _ = select.select([proc.stdout], [], [], seconds)
    return proc.stdout.readline() if ready else ""


class Served:
    """`concbench --serve WHICH` (http or echo) in its own process group, stopped with the
    benchmark; `address` is what it printed first (http://HOST:PORT/ or HOST:PORT)."""

    def __init__(self, which):
        self.proc = subprocess.Popen([program("concbench"), "--serve", which], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        line = _readline(self.proc, 30)
        if not line.strip() or not (line.startswith("http://") or which != "http"):
            self.close()
            raise RuntimeError(f"concbench --serve {which} did not start: {line!r}")
        self.address = line.split()[0].rstrip("/")

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.proc.kill()


# ------------------------------------------------------------------------------- io.echo

ECHO_BYTES = 64


def echo_request(i, delay_us):
    """Request i (src/workloads/io_echo/io_echo.cpp's request): the tag "cbd1", the delay
    (32 bits), the index, then bytes derived from the index."""
    out = bytearray(b"cbd1" + delay_us.to_bytes(4, "little") + i.to_bytes(8, "little"))
    for k in range(16, ECHO_BYTES, 8):
        out += mix64(i * 7 + k).to_bytes(8, "little")
    return bytes(out)


def echo_value(reply):
    """FNV-1a of the reply's bytes (io_echo.cpp's value_of)."""
    h = 0xcbf29ce484222325
    for c in reply:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


_echo = threading.local()  # a worker thread's (or process's) connection


def _echo_connect(host, port, hold):
    """Opens this worker's connection (once), then holds the worker (on_every_worker)."""
    import socket
    if getattr(_echo, "sock", None) is None:
        _echo.sock = socket.create_connection((host, port))
        _echo.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return hold_worker(hold)


def echo_once(delay_us, i):
    """One blocking round trip on this worker's connection: value, start, end."""
    req = echo_request(i, delay_us)
    t0 = time.monotonic_ns()
    if skip_wait():
        return echo_value(req), t0, t0  # the reply an echo would give, without asking
    sock = _echo.sock
    sock.sendall(req)
    got = b""
    while len(got) < ECHO_BYTES:
        part = sock.recv(ECHO_BYTES - len(got))
        if not part:
            raise RuntimeError(f"round trip {i}: the server closed the connection")
        got += part
    t1 = time.monotonic_ns()
    if got != req:
        raise RuntimeError(f"round trip {i}: the reply differs from the request")
    return echo_value(got), t0, t1


class Echo:
    name = "io.echo"
    kind = "io"
    always_waits = True  # every task is a round trip: none in flight is an error, even at 0 us

    def grid(self, suite, model, cores):
        pts = [(10, 0), (100, 1000)]
        if suite != "quick":
            pts += [(100, 0), (1000, 1000)]
        out = []
        for c, l in pts:
            if model == "py_procs" and c > 100:
                continue  # a Python process per connection: as io.sleep
            p = {"workers": c} if model in ("py_threads", "py_procs") else {}
            p.update({"concurrency": c, "latency_us": l})
            out.append(p)
        return out

    def tasks(self, p):
        return max(8 * p["concurrency"], 2000)

    def ideal(self, p):
        return -(-self.tasks(p) // p["concurrency"]) * p["latency_us"] * 1e-6

    def wait_us(self, p):
        return p["latency_us"]

    def reference(self, p):
        return [echo_value(echo_request(i, p["latency_us"])) for i in range(self.tasks(p))]

    def setup(self, model, p, engine):
        n, c, d = self.tasks(p), p["concurrency"], p["latency_us"]
        server = Served("echo")
        self.close = server.close
        host, _, port = server.address.rpartition(":")
        port = int(port)
        if model in ("py_asyncio", "py_uvloop"):
            import asyncio

            async def connect_all():
                out = []
                for _ in range(c):
                    r, w = await asyncio.open_connection(host, port)
                    out.append((r, w))
                return out
            conns = engine.run(connect_all())  # before the timed runs, as the pools'
            previous = self.close

            def close():
                for _, w in conns:
                    w.close()
                previous()
            self.close = close

            async def one(i, lane):
                req = echo_request(i, d)
                t0 = time.monotonic_ns()
                if skip_wait():
                    return echo_value(req), t0, t0
                r, w = conns[lane]
                w.write(req)
                got = await r.readexactly(ECHO_BYTES)
                t1 = time.monotonic_ns()
                if got != req:
                    raise RuntimeError(f"round trip {i}: the reply differs from the request")
                return echo_value(got), t0, t1

            def run():
                return batch_of(engine.run_lanes(one, n, c))
            return run
        on_every_worker(engine.pool, c, functools.partial(_echo_connect, host, port), "io.echo: connected")
        task = functools.partial(echo_once, d)

        def run():
            return batch_of(engine.run_blocking(task, n))
        return run


# ----------------------------------------------------------------------- the open loop

# With `rate`, request k is due at the run's start + SCHEDULE[k] (as core/schedule.cpp's: gaps
# drawn from an exponential of mean 1/rate, a fixed seed, Python's generator), made before
# the pool forks (each worker has it); a client takes requests in order as its connections
# come free, waits until each is due, and its latency counts from then: a slow answer cannot
# hide the requests queued behind it.
SCHEDULE = []


def make_schedule(p, n):
    import random
    SCHEDULE.clear()
    if p.get("rate"):
        r, t = random.Random(0x5C4ED), 0.0
        for _ in range(n):
            t += r.expovariate(p["rate"] * 1e-9)
            SCHEDULE.append(int(t))


def open_ideal(p, n, closed):
    """A run cannot end before its last request is due."""
    return max(closed, SCHEDULE[-1] * 1e-9) if p.get("rate") and SCHEDULE else closed


def wait_due(start_ns, i):
    """Blocks until request i is due; its due time (None in a closed loop)."""
    if start_ns is None:
        return None
    due = start_ns + SCHEDULE[i]
    while (left := due - time.monotonic_ns()) > 0:
        time.sleep(left * 1e-9)
    return due


async def await_due(start_ns, i):
    if start_ns is None:
        return None
    from .workloads import sleep_at_least
    due = start_ns + SCHEDULE[i]
    await sleep_at_least((due - time.monotonic_ns()) * 1e-9, time.monotonic_ns())
    return due


def run_start(p):
    """The run's start in an open loop (None: a closed loop)."""
    return time.monotonic_ns() if p.get("rate") else None


_session = threading.local()
BODIES = []  # the expected bodies, built before the pool forks (Http.prepare): every worker has them


def requests_get(base, delay_us, size, start_ns, i):
    """One blocking GET on this thread's (or worker process's) requests.Session."""
    import requests
    s = getattr(_session, "s", None)
    if s is None:
        s = _session.s = requests.Session()
    due = wait_due(start_ns, i)
    t0 = time.monotonic_ns()
    if skip_wait():
        return 0, t0, time.monotonic_ns()
    r = s.get(f"{base}/item/{i}?delay_us={delay_us}&bytes={size}")
    t1 = time.monotonic_ns()
    if r.status_code != 200 or r.content != BODIES[i]:
        raise RuntimeError(f"GET item {i}: status {r.status_code}, {len(r.content)} bytes, not its body")
    return (mix64(i), t0, t1) if due is None else (mix64(i), t0, t1, due)


def get_and_hold(base, delay_us, size, hold):
    requests_get(base, delay_us, size, None, 0)
    return hold_worker(hold)


class Http:
    name = "http"
    kind = "io"

    def grid(self, suite, model, cores):
        pts = [(100, 1000, 1024)]
        if suite != "quick":
            pts += [(10, 1000, 1024), (100, 0, 1024)]
        out = []
        for c, d, b in pts:
            p = {"workers": c} if model in ("py_threads", "py_procs") else {}
            p.update({"concurrency": c, "delay_us": d, "body_bytes": b})
            out.append(p)
        # The open loop at C = 100 and a 1 ms delay, as C++'s (at rates a Python client carries)
        for rate in ([1000] if suite == "quick" else [500, 1000, 2000, 5000, 10000]):
            out.append(dict(out[0], rate=rate))
        return out

    def tasks(self, p):
        return max(8 * p["concurrency"], 2000, p.get("rate", 0))  # an open loop: at least 1 s of schedule

    def ideal(self, p):
        return open_ideal(p, self.tasks(p), -(-self.tasks(p) // p["concurrency"]) * p["delay_us"] * 1e-6)

    def wait_us(self, p):
        return p["delay_us"]

    def reference(self, p):
        return [mix64(i) for i in range(self.tasks(p))]

    def prepare(self, model, p):
        """Before the model's pool starts: the bodies every request must get (a forked worker
        inherits them; building them is not the client's work)."""
        BODIES[:] = [http_body(i, p["body_bytes"]) for i in range(self.tasks(p))]
        make_schedule(p, self.tasks(p))
        if model not in ("py_asyncio", "py_uvloop"):
            library("requests", "python3-requests")  # imported once, before the workers fork

    def setup(self, model, p, engine):
        n, c, d, size = self.tasks(p), p["concurrency"], p["delay_us"], p["body_bytes"]
        if model in ("py_asyncio", "py_uvloop"):
            aiohttp = library("aiohttp", "python3-aiohttp")
        else:
            library("requests", "python3-requests")
        server = Served("http")
        self.close = server.close
        base = server.address
        bodies = BODIES
        if model in ("py_asyncio", "py_uvloop"):
            async def open_session():
                made = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=c))
                # C connections opened before the timed runs (C GETs at once), as the C++
                # clients' and the pools' are: a run times requests, not connects.
                async def warm():
                    async with made.get(f"{base}/item/0?delay_us={d}&bytes={size}") as r:
                        await r.read()
                await asyncio.gather(*(warm() for _ in range(c)))
                return made
            session = engine.run(open_session())
            previous = self.close

            def close():
                engine.run(session.close())
                previous()
            self.close = close

            start = [None]

            async def one(i, _lane):
                due = await await_due(start[0], i)
                t0 = time.monotonic_ns()
                if skip_wait():
                    return 0, t0, time.monotonic_ns()
                async with session.get(f"{base}/item/{i}?delay_us={d}&bytes={size}") as r:
                    body = await r.read()
                t1 = time.monotonic_ns()
                if r.status != 200 or body != bodies[i]:
                    raise RuntimeError(f"GET item {i}: status {r.status}, {len(body)} bytes, not its body")
                return (mix64(i), t0, t1) if due is None else (mix64(i), t0, t1, due)

            def run():
                start[0] = run_start(p)
                return batch_of(engine.run_lanes(one, n, c))
            return run

        # Every worker's Session connected before the timed runs.
        on_every_worker(engine.pool, c, functools.partial(get_and_hold, base, d, size), "http: connected")

        def run():
            return batch_of(engine.run_blocking(functools.partial(requests_get, base, d, size, run_start(p)), n))
        return run


# ---------------------------------------------------------------------------------- db

ROWS = 100_000
PK = "SELECT v FROM concbench_items WHERE id = $1"


def row_of(i):
    return (i * 7919) % ROWS + 1


def value_of_row(row):
    return (row * 2654435761) % 4294967291


class Cluster:
    """A throwaway PostgreSQL through the C++ side's guardian (programs/concbench_pg.cpp)."""

    def __init__(self):
        self.proc = subprocess.Popen([program("concbench-pg")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        self.proc.wait(timeout=30)  # its first process exits at once; the guardian lives on
        line = _readline(self.proc, 30).split()
        if not line or line[0] != "ready":
            raise RuntimeError("PostgreSQL: " + " ".join(line[1:] if line else ["the cluster did not start"]))
        self.dsn = f"host=127.0.0.1 port={line[1]} user=postgres dbname=postgres"

    def close(self):
        self.proc.stdin.close()
        self.proc.stdout.read()  # its end of file: the cluster is stopped and removed


def load(dsn):
    """The C++ db workload's tables and rows (src/workloads/db/db.cpp's load)."""
    psycopg = library("psycopg", "python3-psycopg")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS concbench_items (id int PRIMARY KEY, v bigint NOT NULL, "
                     "hits bigint NOT NULL DEFAULT 0)")
        n, total = conn.execute("SELECT count(*), coalesce(sum(v), 0) FROM concbench_items").fetchone()
        if n == ROWS and int(total) == sum(value_of_row(r) for r in range(1, ROWS + 1)):
            return
        conn.execute("TRUNCATE concbench_items")
        conn.execute(f"INSERT INTO concbench_items (id, v) SELECT g, (g::bigint * 2654435761) % 4294967291 "
                     f"FROM generate_series(1, {ROWS}) g")
        conn.execute("VACUUM ANALYZE concbench_items")


_conn = threading.local()


def psycopg_lookup(dsn, start_ns, i):
    """One blocking primary-key lookup on this thread's (or process's) psycopg connection."""
    import psycopg
    conn = getattr(_conn, "c", None)
    if conn is None:
        conn = _conn.c = psycopg.connect(dsn, autocommit=True)
        for k in range(6):  # warm, as the C++ clients: the plan chosen before the timed runs
            conn.execute(PK.replace("$1", "%s"), (row_of(k),), prepare=True)
    due = wait_due(start_ns, i)
    t0 = time.monotonic_ns()
    if skip_wait():
        return 0, t0, time.monotonic_ns()
    (v,) = conn.execute(PK.replace("$1", "%s"), (row_of(i),), prepare=True).fetchone()
    t1 = time.monotonic_ns()
    return (v, t0, t1) if due is None else (v, t0, t1, due)


def connect_and_hold(dsn, hold):
    psycopg_lookup(dsn, None, 0)
    return hold_worker(hold)


class Db:
    name = "db"
    kind = "io"

    def grid(self, suite, model, cores):
        cs = [16] if suite == "quick" else [1, 16, 100]
        out = []
        for c in cs:
            p = {"workers": c} if model in ("py_threads", "py_procs") else {}
            p.update({"query": "pk", "concurrency": c})
            out.append(p)
        # The open loop at C = 16, as C++'s, from rates a Python client carries to one past
        # asyncpg's (2 cores: uvloop carried 40,000/s under 10 ms, 52,000/s in a closed loop)
        base = next(q for q in out if q["concurrency"] == 16)
        for rate in ([2000] if suite == "quick" else [1000, 2000, 5000, 10000, 20000, 40000, 60000]):
            out.append(dict(base, rate=rate))
        return out

    def tasks(self, p):
        return max(8 * p["concurrency"], 2000, p.get("rate", 0))  # an open loop: at least 1 s of schedule

    def ideal(self, p):
        return open_ideal(p, self.tasks(p), 0.0)

    def prepare(self, model, p):
        make_schedule(p, self.tasks(p))

    def wait_us(self, p):
        return 0

    def reference(self, p):
        return [value_of_row(row_of(i)) for i in range(self.tasks(p))]

    def setup(self, model, p, engine):
        n, c = self.tasks(p), p["concurrency"]
        library("psycopg", "python3-psycopg")
        if model in ("py_asyncio", "py_uvloop"):
            asyncpg = library("asyncpg", "python3-asyncpg")
        cluster = Cluster()
        self.close = cluster.close
        try:
            load(cluster.dsn)
        except BaseException:
            cluster.close()
            raise
        if model in ("py_asyncio", "py_uvloop"):
            async def connect():
                conns = [await asyncpg.connect(host="127.0.0.1", port=int(cluster.dsn.split("port=")[1].split()[0]),
                                               user="postgres", database="postgres") for _ in range(c)]
                stmts = [await k.prepare(PK) for k in conns]
                for s in stmts:
                    for j in range(6):
                        await s.fetchval(row_of(j))
                return conns, stmts
            conns, stmts = engine.run(connect())
            previous = self.close

            def close():
                async def shut():
                    for k in conns:
                        await k.close()
                engine.run(shut())
                previous()
            self.close = close

            start = [None]

            async def one(i, lane):  # each lane its own connection and statement
                due = await await_due(start[0], i)
                t0 = time.monotonic_ns()
                if skip_wait():
                    return 0, t0, time.monotonic_ns()
                v = await stmts[lane].fetchval(row_of(i))
                t1 = time.monotonic_ns()
                return (v, t0, t1) if due is None else (v, t0, t1, due)

            def run():
                start[0] = run_start(p)
                return batch_of(engine.run_lanes(one, n, c))
            return run
        # Every worker connected before the timed runs.
        on_every_worker(engine.pool, c, functools.partial(connect_and_hold, cluster.dsn), "db: connected")

        def run():
            return batch_of(engine.run_blocking(functools.partial(psycopg_lookup, cluster.dsn, run_start(p)), n))
        return run


WORKLOADS = (Echo(), Db(), Http())
