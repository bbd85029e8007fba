"""Real services as a user meets them: db against a throwaway PostgreSQL and against
an external one (--pg-url), its failure paths (a bad URL, a refused connection, the server
killed mid-run, Ctrl-C, a killed benchmark, PostgreSQL missing), and http against an external
server (Debian's nginx). Every test checks that no postgres process and no cluster folder is
left behind: each run's clusters live under the test's own TMPDIR."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PK16 = r"^db/(coro|threads/workers:16)/query:pk/concurrency:16/real_time"
SLEEP = r"^db/threads/workers:100/query:sleep/concurrency:100/sleep_us:1000/real_time"


@pytest.fixture
def tmp_path():
    """A folder of the test's own that PostgreSQL's user can reach (pytest's own tmp_path is
    under a 0700 folder of root's, which `postgres` cannot enter)."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="concbench-test-", dir="/tmp"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def run(binary, *args, env=None, timeout=300):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


def env_with(tmp_path, **more):
    e = dict(os.environ)
    e["TMPDIR"] = str(tmp_path)  # the clusters' folders, and so their processes, are the test's
    e.pop("CONCBENCH_PG_URL", None)
    e.update(more)
    return e


def postgres_under(folder):
    """pids of postgres processes whose command line names `folder` (their data folder)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "postgres" in cmd and str(folder) in cmd:
            found.append(int(pid))
    return found


def clusters_under(folder):
    return sorted(pathlib.Path(folder).glob("concbench-pg.*"))


def assert_nothing_left(folder, within=10.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and (postgres_under(folder) or clusters_under(folder)):
        time.sleep(0.1)
    assert postgres_under(folder) == [], "a postgres process was left"
    assert clusters_under(folder) == [], "a cluster folder was left"


def shared_memory_of(postmaster):
    """What a running postmaster holds that outlives processes: its System V segment (the id
    on line 7 of postmaster.pid) and the dynamic segments it maps from /dev/shm."""
    cmd = pathlib.Path(f"/proc/{postmaster}/cmdline").read_bytes().split(b"\0")
    data = pathlib.Path(cmd[cmd.index(b"-D") + 1].decode())
    shmid = int((data / "postmaster.pid").read_text().splitlines()[6].split()[1])
    maps = pathlib.Path(f"/proc/{postmaster}/maps").read_text().splitlines()
    dsm = sorted({line.split()[-1] for line in maps if "/dev/shm/PostgreSQL." in line})
    assert dsm, "the postmaster maps no dynamic shared memory: this check would prove nothing"
    return shmid, dsm


def assert_shared_memory_released(held, within=10.0):
    shmid, dsm = held
    deadline = time.monotonic() + within
    def left():
        ids = {int(line.split()[1]) for line in open("/proc/sysvipc/shm").read().splitlines()[1:]}
        return ([shmid] if shmid in ids else []) + [f for f in dsm if os.path.exists(f)]
    while left() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left() == [], "shared memory of the cluster was left"


def guardian(binary):
    return pathlib.Path(binary).parent / "concbench-pg"


class Cluster:
    """A second cluster, started apart from concbench (by its guardian program), for --pg-url."""

    def __init__(self, binary, tmp_path):
        e = env_with(tmp_path)
        self.proc = subprocess.Popen([str(guardian(binary))], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=e)
        self.proc.wait(timeout=10)  # the guardian's first process exits at once
        line = self.proc.stdout.readline().split()
        assert line and line[0] == "ready", line
        self.port = int(line[1])

    def stop(self):
        self.proc.stdin.close()
        self.proc.stdout.read()  # end of file: the guardian has stopped it and removed it


def test_db_runs_on_a_throwaway_cluster_and_removes_it(binary, tmp_path):
    out = tmp_path / "r.json"
    r = run(binary, "--suite", "quick", f"--benchmark_filter={PK16}", "--out", str(out),
            env=env_with(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert len(doc["benchmarks"]) == 2
    for b in doc["benchmarks"]:
        assert not b.get("error_occurred"), b
        assert b["items_per_second"] > 0 and b["server_cpu_s"] > 0 and b["server_cpu_per_item_us"] > 0
        assert b["connections"] == 16  # counted by the server's port, one per lane or worker
    ctx = doc["context"]
    assert ctx["pg_server"].startswith("throwaway") and "(PostgreSQL) " in ctx["pg_server"]
    assert ctx["pgbench_version"].startswith("pgbench (PostgreSQL) ")
    # The count is the server's, not the concurrency asked: the pipeline keeps 16 queries in
    # flight on 4 connections.
    r = run(binary, "--suite", "quick", r"--benchmark_filter=^db/coro/query:pk/concurrency:16/depth:4/",
            "--out", str(out), env=env_with(tmp_path))
    assert r.returncode == 0, r.stderr
    [b] = json.loads(out.read_text())["benchmarks"]
    assert b["connections"] == 4 and b["peak_in_flight"] == 16, b
    assert_nothing_left(tmp_path)


def test_db_against_an_external_server_never_shows_its_password(binary, tmp_path):
    c = Cluster(binary, tmp_path)
    try:
        out = tmp_path / "r.json"
        url = f"postgresql://postgres:s3cret-pw@127.0.0.1:{c.port}/postgres"
        r = run(binary, "--suite", "quick", f"--benchmark_filter={PK16}", "--out", str(out),
                "--pg-url", url, env=env_with(tmp_path))
        assert r.returncode == 0, r.stderr
        text = out.read_text()
        assert "s3cret-pw" not in text + r.stdout + r.stderr
        doc = json.loads(text)
        assert doc["context"]["pg_server"].startswith(
            f"postgresql://postgres:***@127.0.0.1:{c.port}/postgres (PostgreSQL ")
        assert len(doc["benchmarks"]) == 2
        assert [b for b in doc["benchmarks"] if b.get("error_occurred")] == []
        # No cluster of its own was started: only the external one runs.
        assert len(clusters_under(tmp_path)) == 1
    finally:
        c.stop()
    assert_nothing_left(tmp_path)


@pytest.mark.parametrize("url, says", [
    ("postgresql://me:hunter2@127.0.0.1:1/db", "Connection refused"),
    ("postgresql://me:hunter2@[nope", "IPv6"),
    ("host=127.0.0.1 port=1 password=hunter2", "Connection refused"),
])
def test_a_bad_or_refused_pg_url_exits_2_naming_it(binary, tmp_path, url, says):
    r = run(binary, "--suite", "quick", "--pg-url", url, env=env_with(tmp_path))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("concbench: --pg-url '")
    assert says in r.stderr
    assert "hunter2" not in r.stderr + r.stdout and "***" in r.stderr
    r = run(binary, "--suite", "quick", env=env_with(tmp_path, CONCBENCH_PG_URL=url))
    assert r.returncode == 2 and r.stderr.startswith("concbench: CONCBENCH_PG_URL '"), r.stderr


def test_without_postgresql_db_is_skipped_with_the_fix_and_the_rest_runs(binary, tmp_path):
    out = tmp_path / "r.json"
    r = run(binary, "--suite", "quick", "--out", str(out),
            r"--benchmark_filter=^db/coro/query:pk/concurrency:16/real|^cpu\.spin/threads/workers:2/dispatch:map/",
            env=env_with(tmp_path, CONCBENCH_PG_BINDIR=str(tmp_path / "none")))
    assert r.returncode == 0, r.stderr
    by = {b["name"]: b for b in json.loads(out.read_text())["benchmarks"]}
    db = by["db/coro/query:pk/concurrency:16/real_time"]
    assert db["error_occurred"] and "apt-get install postgresql" in db["error_message"]
    assert db["error_message"].startswith("skipped: ")
    assert any(n.startswith("cpu.spin/") and not b.get("error_occurred") for n, b in by.items())


def cmdline(pid):
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def serving_postmaster(folder, proc, within=60.0):
    """The pid of the cluster's postmaster once the benchmark's clients (two at least) are
    connected to it.
    Not the first postgres process seen: until it serves, that is initdb or the loader, and a
    postmaster killed while it starts is started again on another port by the guardian (a
    slow CI machine killed one there, and the benchmark then passed); nor the lowest pid,
    which after pids wrap (pid_max) may be any of them."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and proc.poll() is None:
        # The run's cluster starts before the benchmark's process (which then connects): a
        # client seen before that is the guardian's readiness check.
        if not any("--run-one" in cmdline(c) for c in children_of(proc.pid)):
            time.sleep(0.05)
            continue
        for pid in postgres_under(folder):
            if " -h 127.0.0.1 -p " in cmdline(pid) and sum(
                    cmdline(c).startswith("postgres: postgres ") for c in children_of(pid)) >= 2:
                return pid
        time.sleep(0.05)
    raise AssertionError("no cluster served the benchmark's clients")


@pytest.mark.parametrize("which", [SLEEP, r"^db/coro/query:pk/concurrency:16/depth:4/",
                                   r"^db/coro/query:sleep/"])
def test_the_server_killed_mid_run_is_an_error_not_a_hang(binary, tmp_path, which):
    out = tmp_path / "r.json"
    p = subprocess.Popen([binary, "--suite", "quick", f"--benchmark_filter={which}",
                          "--benchmark_min_time=20", "--out", str(out), "--progress", "never"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env_with(tmp_path))
    postmaster = serving_postmaster(tmp_path, p)
    time.sleep(1.0)  # into its timed runs
    held = shared_memory_of(postmaster)
    os.kill(postmaster, signal.SIGKILL)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 1, err
    (b,) = json.loads(out.read_text())["benchmarks"]
    assert b["error_occurred"]
    assert "query" in b["error_message"] or "connection" in b["error_message"], b["error_message"]
    assert_nothing_left(tmp_path)
    # A killed postmaster leaves its segments to whoever starts the cluster next: the guardian.
    assert_shared_memory_released(held)


def children_of(pid):
    """pids whose parent is `pid`."""
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                stat = pathlib.Path(f"/proc/{p}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(p))
    return found


@pytest.mark.parametrize("which", [r"^http/coro/concurrency:16/", r"^http/threads/workers:16/concurrency:16/",
                                   r"^io\.echo/coro/concurrency:100/", r"^io\.echo/tbb/workers:[0-9]+/concurrency:100/"])
def test_the_embedded_server_killed_mid_run_is_an_error_not_a_hang(binary, tmp_path, which):
    """The HTTP or echo server killed under its clients: errors, at once. A loop's client that
    reused its broken socket hung for ever (asio#1664: a write queued behind two failed ones on
    a hung-up socket is never woken)."""
    out = tmp_path / "r.json"
    p = subprocess.Popen([binary, "--suite", "quick", f"--benchmark_filter={which}", "--benchmark_min_time=20",
                          "--out", str(out), "--progress", "never"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_with(tmp_path))
    try:
        def servers():  # the children of the benchmark's own process
            def benchmark(pid):
                try:
                    return b"--run-one" in pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    return False
            return [s for b in children_of(p.pid) if benchmark(b) for s in children_of(b)]
        deadline = time.monotonic() + 30
        while not servers() and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.1)
        time.sleep(1.5)  # well into its timed runs
        killed = servers()
        assert killed, "no server started"
        for s in killed:
            os.kill(s, signal.SIGKILL)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode == 1, err
    (b,) = json.loads(out.read_text())["benchmarks"]
    assert b["error_occurred"], b


def test_serve_db_gives_pgbench_and_psql_the_same_cluster_and_removes_it_on_ctrl_c(binary, tmp_path):
    """--serve db: a throwaway cluster with db's table and pgbench's, for the field's tools by
    hand; Ctrl-C stops it and leaves nothing."""
    pgbench = shutil.which("pgbench") or next(iter(sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None)
    if not pgbench or not os.path.exists("/usr/lib/postgresql"):
        pytest.skip("needs PostgreSQL and pgbench (scripts/setup)")
    p = subprocess.Popen([binary, "--serve", "db"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env_with(tmp_path), start_new_session=True)
    try:
        url = p.stdout.readline().split()[0]
        assert url.startswith("postgresql://postgres@127.0.0.1:"), url
        assert postgres_under(tmp_path)
        r = subprocess.run([str(pgbench), "-n", "-S", "-M", "prepared", "-c", "2", "-j", "1", "-t", "50", url],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and "number of transactions actually processed: 100/100" in r.stdout, r.stdout + r.stderr
        r = subprocess.run([str(pgbench), "-n", "-t", "20", "-f", "-", url], input=(
            "\\set id random(1, 100000)\nSELECT v FROM concbench_items WHERE id = :id;\n"),
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and "20/20" in r.stdout, r.stdout + r.stderr
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=30) == 130, p.stderr.read()
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    assert_nothing_left(tmp_path)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_ctrl_c_or_a_killed_benchmark_leaves_no_postgres(binary, tmp_path, sig):
    p = subprocess.Popen([binary, "--suite", "quick", f"--benchmark_filter={SLEEP}",
                          "--benchmark_min_time=20", "--progress", "never"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=env_with(tmp_path), start_new_session=True)
    held = shared_memory_of(serving_postmaster(tmp_path, p))
    time.sleep(1.0)
    if sig == signal.SIGKILL:
        os.killpg(p.pid, signal.SIGKILL)  # the parent and the benchmark's process: a crash
    else:
        p.send_signal(sig)
    p.wait(timeout=30)
    assert_nothing_left(tmp_path, within=15.0)
    assert_shared_memory_released(held)


def test_pgbench_runs_beside_the_clients_checked_by_the_server_and_the_report_answers(binary, tmp_path):
    if not (shutil.which("pgbench") or list(pathlib.Path("/usr/lib/postgresql").glob("*/bin/pgbench"))):
        pytest.skip("pgbench is not installed")
    out = tmp_path / "r.json"
    # The full suite's points (quick leaves out -S -R): closed and at -R 10000.
    r = run(binary, "--suite", "full", "--benchmark_min_time=0.05", "--out", str(out),
            r"--benchmark_filter=^db\.peer/pgbench/workers:1/query:(pk|builtin)/concurrency:16/(real|rate:10000/)|^db/coro/query:pk/concurrency:16/(rate:10000/|real)",
            env=env_with(tmp_path))
    errors = [b["error_message"] for b in json.loads(out.read_text())["benchmarks"] if b.get("error_occurred")] \
        if out.exists() else []
    assert r.returncode == 0, (errors, r.stderr)
    by = {b["name"]: b for b in json.loads(out.read_text())["benchmarks"]}
    closed = by["db.peer/pgbench/workers:1/query:pk/concurrency:16/real_time"]
    opened = by["db.peer/pgbench/workers:1/query:pk/concurrency:16/rate:10000/real_time"]
    builtin = by["db.peer/pgbench/workers:1/query:builtin/concurrency:16/real_time"]  # pgbench -S itself
    builtin_r = by["db.peer/pgbench/workers:1/query:builtin/concurrency:16/rate:10000/real_time"]  # -S -R
    for b in (closed, opened, builtin, builtin_r):
        assert not b.get("error_occurred"), b
        assert b["pgbench_tps"] > 0 and 0 < b["pgbench_lat_p50_us"] <= b["pgbench_lat_p99_us"]
        # One run of pgbench is not an item: its rate and CPU are its own figures'.
        assert "items_per_second" not in b and "cpu_per_item_us" not in b
    for b in (opened, builtin_r):  # -R 10000: never above it; below, only as pgbench fell behind
        # (one pgbench thread on a loaded CI machine: 7,541/s once), which it must then say
        assert b["pgbench_tps"] < 12000 and (b["pgbench_tps"] > 8000 or b["pgbench_unfinished"] > 0), b
    assert closed["pgbench_cpu_per_tx_us"] > 0  # pgbench's own CPU, from wait4
    rep = subprocess.run([str(ROOT / "scripts" / "report"), str(out), "-o", str(tmp_path / "report")],
                         capture_output=True, text=True, timeout=300)
    assert rep.returncode == 0, rep.stdout + rep.stderr
    md = (tmp_path / "report" / "report.md").read_text()
    assert "(question 7)" in md and "of its transactions per second" in md and "pgbench -S itself" in md
    assert "Client CPU per query" in md and "pgbench -j 1's queries per second" in md
    assert (tmp_path / "report" / "scenario_db.svg").exists()
    broken = run(binary, "--suite", "quick", r"--benchmark_filter=^db\.peer/pgbench/workers:1/query:(pk|builtin)/concurrency:16/real",
                 "--out", str(out), env=env_with(tmp_path, CONCBENCH_TEST_BREAK="skip_wait"))
    assert broken.returncode == 1
    bs = json.loads(out.read_text())["benchmarks"]
    assert len(bs) == 2
    for b in bs:
        assert "did not reach it" in b["error_message"], b["error_message"]
    assert_nothing_left(tmp_path)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_against_debians_nginx_serving_a_file(binary, tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not nginx:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light; scripts/setup --test)")
    port = free_port()
    (tmp_path / "www").mkdir()
    body = bytes((i * 7) % 251 for i in range(1400))
    (tmp_path / "www" / "item.bin").write_bytes(body)
    (tmp_path / "nginx.conf").write_text(f"""
daemon off; worker_processes 2; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; keepalive_requests 10; server {{ listen 127.0.0.1:{port}; root {tmp_path}/www; }} }}
""")
    srv = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        import socket
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        out = tmp_path / "r.json"
        url = f"http://127.0.0.1:{port}/item.bin"
        r = run(binary, "--suite", "quick", "--http-url", url, "--out", str(out),
                r"--benchmark_filter=^http(\.peer/wrk/workers:1|/coro|/threads/workers:100)/concurrency:100/delay_us:0/body_bytes:1400/real",
                env=env_with(tmp_path))
        assert r.returncode == 0, r.stderr
        doc = json.loads(out.read_text())
        assert doc["context"]["http_server"] == url
        names = {b["name"] for b in doc["benchmarks"]}
        # the names say what was fetched: the file's size, asked with no delay, once per point
        assert "http/coro/concurrency:100/delay_us:0/body_bytes:1400/real_time" in names
        assert len(names) == 3
        assert any(n.startswith("http.peer/wrk/") for n in names)
        # nginx closes each connection after 10 requests ("Connection: close"; 1,000 by
        # default): every client opens a new one, as wrk does, where the loop's hung
        for b in doc["benchmarks"]:
            assert not b.get("error_occurred"), b
            if b["name"].startswith("http.peer/wrk/"):
                assert b["wrk_cpu_per_request_us"] > 0  # wrk's own CPU, from wait4
                assert "items_per_second" not in b and "cpu_per_item_us" not in b
    finally:
        srv.terminate()
        srv.wait(timeout=10)
    r = run(binary, "--suite", "quick", "--http-url", f"http://127.0.0.1:{port}/item.bin")
    assert r.returncode == 2 and "cannot GET it" in r.stderr, r.stderr


def test_a_pack_runs_db_and_wrk_from_its_own_folder(binary, tmp_path):
    """scripts/pack: the build, its libraries, PostgreSQL's programs and wrk in one folder for a
    machine with nothing installed; its concbench runs the db benchmarks on the pack's own
    PostgreSQL and pgbench (the results' context names the folder) and leaves nothing behind."""
    if not os.path.exists("/usr/lib/postgresql") or not shutil.which("wrk"):
        pytest.skip("needs PostgreSQL and wrk here to pack them (scripts/setup)")
    pack = tmp_path / "pack"
    r = subprocess.run([str(ROOT / "scripts" / "pack"), "--build", str(pathlib.Path(binary).parent),
                        "-o", str(pack)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "r.json"
    e = env_with(tmp_path)
    e.pop("CONCBENCH_PG_BINDIR", None)
    r = run(str(pack / "concbench"), "--suite", "quick", "--out", str(out), "--progress", "never",
            r"--benchmark_filter=^db/coro/query:pk/concurrency:16/real|"
            r"^db\.peer/pgbench/workers:1/query:builtin/concurrency:16/real|"
            r"^http\.peer/wrk/workers:1/concurrency:16/", env=e)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    ctx = doc["context"]
    assert f" from {pack}/pg/lib/postgresql/" in ctx["pg_server"], ctx["pg_server"]
    assert ctx["pgbench_version"].startswith("pgbench (PostgreSQL) ")
    assert len(doc["benchmarks"]) == 3
    for b in doc["benchmarks"]:
        assert not b.get("error_occurred"), b
    assert_nothing_left(tmp_path)
    r = subprocess.run([str(ROOT / "scripts" / "pack"), "--nonsense"], capture_output=True, text=True)
    assert r.returncode == 2 and "--nonsense" in r.stderr
    mine = tmp_path / "mine"  # a folder of the user's is never replaced
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    r = subprocess.run([str(ROOT / "scripts" / "pack"), "-o", str(mine)], capture_output=True, text=True)
    assert r.returncode == 2 and "not an earlier pack" in r.stderr
    assert (mine / "notes.txt").read_text() == "keep"
