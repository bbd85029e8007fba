"""concbench as a user meets it: help, bad input (exit 2), names, strict JSON, failures
(exit 1, the rest still runs), Ctrl-C (valid file, no process left), Google's compare.py."""
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from folders import remove_under_a_writer

ROOT = pathlib.Path(__file__).resolve().parent.parent
SMALL = r"^cpu\.spin/threads/workers:2/dispatch:map/grain_us:1000/"
SMALL_NAME = "cpu.spin/threads/workers:2/dispatch:map/grain_us:1000/real_time"


def run(binary, *args, timeout=300):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout)


def strict_load(path):
    def reject(token):
        raise ValueError(f"non-strict JSON constant {token}")
    return json.loads(pathlib.Path(path).read_text(), parse_constant=reject)


def test_help_teaches(binary):
    r = run(binary, "--help")
    assert r.returncode == 0
    for needle in ["quick", "full", "--benchmark_filter", "cpu.spin/tbb/workers:2",
                   "Exit status", "--out", "efficiency", "io.sleep", "procs"]:
        assert needle in r.stdout, needle


def test_help_explains_every_parameter_a_name_carries(binary):
    """Each <param> of every full-suite name is in --help: a workload that adds a parameter
    cannot leave it unexplained."""
    names = run(binary, "--suite", "full", "--benchmark_list_tests").stdout.split()
    keys = {part.split(":")[0] for n in names for part in n.split("/")[2:] if ":" in part}
    assert {"workers", "dispatch", "concurrency", "rate", "query", "depth"} <= keys
    text = run(binary, "--help").stdout
    assert not [k for k in sorted(keys) if k not in text]


def test_the_open_loops_run_past_what_the_machine_carries(binary):
    """A capacity is the highest rate under the p99 target: the full suite's sweeps must reach
    past it on any machine. db: to 80,000/s, then doubling up to 40,000/s per core (about
    twice what a core carried here, client and server together); http: to its physical
    limit, C / delay."""
    import os
    names = run(binary, "--suite", "full", "--benchmark_list_tests").stdout.split()
    def rates(prefix):
        return sorted({int(p.split(":")[1]) for n in names if n.startswith(prefix)
                       for p in n.split("/") if p.startswith("rate:")})
    cores = len(os.sched_getaffinity(0))  # as concbench counts them: affinity, cgroup v2 quota
    try:
        quota, period = open("/sys/fs/cgroup/cpu.max").read().split()
        if quota != "max":
            cores = min(cores, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    db = rates("db/coro/")
    assert db[0] <= 2000 and db[-1] >= 80000 and db[-1] <= max(80000, 40000 * cores) < 2 * db[-1], db
    assert all(b > a for a, b in zip(db, db[1:]))
    http = rates("http/coro/")
    assert http[-1] == 100 * 1_000_000 // 1000, http  # C = 100 connections, 1 ms each
    peer = rates("db.peer/pgbench/workers:1/query:pk/")
    assert peer == db  # pgbench -R at the same rates
    assert rates("db.peer/pgbench/workers:1/query:builtin/") == db  # and pgbench -S -R itself


@pytest.mark.parametrize("args, expect", [
    (["--suite", "quik"], "--suite 'quik': expected quick or full"),
    (["--nope"], "--nope"),
    (["--benchmark_min_time=0.01s"], "plain number"),
    (["--benchmark_repetitions=0"], "whole number"),
    (["--benchmark_filter=("], "not a regular expression"),
    (["--benchmark_filter=^no-such-workload/"], "matches none"),
    (["--benchmark_fitler=cpu"], "unrecognised"),
    (["--out", "/nonexistent-dir/x.json"], "--out '/nonexistent-dir/x.json': cannot write"),
    (["--out", "/dev/full"], "--out '/dev/full': not a regular file"),
    (["--echo-server", "localhost"], "expected HOST:PORT"),
    (["--progress", "sometimes"], "expected auto, always or never"),
    (["--benchmark_format=xml"], "expected console or json"),
    (["--benchmark_time_unit=min"], "--benchmark_time_unit 'min': expected ns, us, ms or s"),
    (["--slow-callback-ms", "0"], "--slow-callback-ms: expected a positive number"),
    (["--trace", "/nonexistent-dir/t.json"], "--trace '/nonexistent-dir/t.json': cannot write"),
    (["--trace", "/tmp"], "--trace '/tmp': not a regular file"),
    (["--serve", "ftp"], "--serve 'ftp': expected http, echo or db"),
    (["--iterations", "0"], "--iterations 0: expected a whole number >= 1"),
    (["--spin-rate", "0"], "--spin-rate: expected a positive number"),
    (["--benchmark_list_tests=maybe"], "--benchmark_list_tests 'maybe': expected true or false"),
    (["--benchmark_report_aggregates_only=2"], "'2': expected true or false"),
    # Debian's Google Benchmark has no libpfm: said at once, not "not supported" per benchmark
    (["--benchmark_perf_counters=CYCLES"], "built without libpfm"),
])
def test_bad_input_exits_2_with_a_message(binary, args, expect):
    r = run(binary, "--suite", "quick", *args) if "--suite" not in args else run(binary, *args)
    assert r.returncode == 2, r.stderr
    assert expect in r.stderr
    assert r.stderr.startswith("concbench: ")


NAME = re.compile(r"^[a-z]+(\.[a-z]+)?/[a-z_]+(/workers:[0-9]+)?(/dispatch:(each|map))?"
                  r"(/(concurrency|grain_us|latency_us|tasks|payload_bytes):[0-9]+)*"
                  # the guide's scenarios: their own parameters, words or integers
                  r"(/(block|wait|fail|query):[a-z_]+|/(block_ms|units|parent_mb|fail_pct|tasks|"
                  r"file_kib|files|delay_us|body_bytes|concurrency|sleep_us|rate|depth):[0-9]+)*/real_time$")


@pytest.mark.parametrize("suite", ["quick", "full"])
def test_listed_names_follow_the_scheme(binary, suite):
    r = run(binary, "--suite", suite, "--benchmark_list_tests")
    assert r.returncode == 0, r.stderr
    names = r.stdout.split()
    assert len(names) > 50
    for n in names:
        assert NAME.match(n), n
    assert len(set(names)) == len(names)
    for model in ["coro", "threads", "tbb", "tbb_blocking", "procs", "coro_mt", "procs_coro",
                  "thread_per_task", "fork_per_task"]:
        assert any(f"/{model}/" in n for n in names), model


@pytest.mark.parametrize("value, lists", [("", True), ("=1", True), ("=Yes", True), ("=true", True),
                                          ("=0", False), ("=off", False)])
def test_boolean_flags_read_google_benchmarks_words(binary, value, lists):
    """--benchmark_list_tests=1 lists, as in Google Benchmark, and =0 runs."""
    r = run(binary, "--suite", "quick", f"--benchmark_filter={SMALL}", "--benchmark_min_time=0.01",
            "--progress", "never", "--benchmark_list_tests" + value)
    assert r.returncode == 0, r.stderr
    if lists:
        assert r.stdout.split() == [SMALL_NAME]
    else:
        assert "Benchmark" in r.stdout and "items_per_second" in r.stdout


def test_filter_selects_by_model(binary):
    r = run(binary, "--suite", "quick", "--benchmark_list_tests", "--benchmark_filter=/procs/")
    names = r.stdout.split()
    assert names and all("/procs/" in n for n in names)


def test_a_run_writes_strict_json_with_context_and_counters(binary, tmp_path):
    out = tmp_path / "r.json"
    r = run(binary, "--suite", "quick", f"--benchmark_filter={SMALL}", "--out", str(out))
    assert r.returncode == 0, r.stderr
    doc = strict_load(out)
    ctx = doc["context"]
    for key in ["concbench_cores", "concbench_build_type", "concbench_git_revision",
                "boost_version", "onetbb_version", "benchmark_version", "compiler",
                "concbench_models", "concbench_suite", "concbench_counters"]:
        assert key in ctx, key
    assert ctx["concbench_build_type"] in {"Release", "Debug", "RelWithDebInfo", "MinSizeRel"}
    assert ctx["concbench_counters"]["efficiency"]["unit"] == "ratio"
    # The kernel, and the futex hash its threaded processes get (uname, prctl), as this host says.
    assert ctx["kernel"] == f"{os.uname().sysname} {os.uname().release}"
    assert ctx["futex_hash"].startswith(("private, ", "global "))
    (b,) = doc["benchmarks"]
    assert b["name"] == SMALL_NAME
    assert ctx["concbench_isolation"] == "process per benchmark"
    # The machine's floors, measured at the start, name every model's floor.
    floors = ctx["concbench_floors"]
    for model, kind in ctx["concbench_model_kinds"].items():
        if model in ctx["concbench_peers"]:  # wrk is the field's tool, not a model: no floor
            assert kind["floor"] == "", model
            continue
        assert kind["floor"] in floors, (model, kind["floor"])
    for name, f in floors.items():
        assert f["value"] > 0 and f["unit"] == "us" and f["how"], name
    for c in ["items_per_second", "speedup", "efficiency", "cpu_user_s", "cpu_sys_s",
              "ctx_voluntary", "ctx_involuntary", "peak_rss_bytes", "setup_s", "peak_in_flight"]:
        assert c in b, c
    assert b["speedup"] > 0.5
    # Tasks handed over and unfinished: at least one, at most the run's tasks.
    assert 1 <= b["peak_in_flight"] <= b["tasks"]


class CorruptingEchoServer:
    """An external echo server that answers with one byte changed: checksums must fail."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def session(self, conn):
        with conn:
            buf = b""
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                buf += data
                while len(buf) >= 64:
                    msg, buf = bytearray(buf[:64]), buf[64:]
                    msg[40] ^= 0xFF
                    conn.sendall(bytes(msg))


def test_a_wrong_result_is_an_error_entry_exit_1_and_the_rest_still_runs(binary, tmp_path):
    server = CorruptingEchoServer()
    out = tmp_path / "r.json"
    r = run(binary, "--suite", "quick", "--echo-server", f"127.0.0.1:{server.port}",
            "--benchmark_filter=^io\\.echo/(coro|threads)/.*latency_us:0/|" + SMALL,
            "--out", str(out))
    assert r.returncode == 1, r.stderr
    doc = strict_load(out)
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    echo = [b for n, b in by_name.items() if n.startswith("io.echo/")]
    assert len(echo) == 2
    for b in echo:
        assert b["error_occurred"] is True
        assert "checksum" in b["error_message"]
        assert "items_per_second" not in b and "efficiency" not in b
    ok = by_name[SMALL_NAME]
    assert "error_occurred" not in ok or not ok["error_occurred"]
    assert "1 failed" in r.stderr or "2 failed" in r.stderr


def test_a_failed_setup_is_an_error_entry(binary, tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    out = tmp_path / "r.json"
    r = run(binary, "--suite", "quick", "--echo-server", f"127.0.0.1:{port}",
            "--benchmark_filter=^io\\.echo/threads/.*latency_us:0/", "--out", str(out))
    assert r.returncode == 1
    (b,) = strict_load(out)["benchmarks"]
    assert "set-up failed" in b["error_message"] and "connect" in b["error_message"]


def tagged_env():
    """An environment whose mark every process this test starts inherits (its benchmarks'
    processes and their workers), so that other tests running beside it (ctest -j) are not
    counted as its leftovers."""
    env = dict(os.environ)
    env["CONCBENCH_TEST_TAG"] = f"{os.getpid()}-{time.monotonic_ns()}"
    return env


def processes_running(binary, env):
    """The live processes of `binary` started under `env` (tagged_env)."""
    exe = os.path.realpath(binary)
    mark = f"CONCBENCH_TEST_TAG={env['CONCBENCH_TEST_TAG']}".encode()
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.path.realpath(f"/proc/{pid}/exe") == exe and \
                    mark in pathlib.Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_keeps_finished_results_and_leaves_no_process(binary, tmp_path, sig, code):
    out = tmp_path / "r.json"
    env = tagged_env()
    p = subprocess.Popen([binary, "--suite", "full", "--out", str(out),
                          "--benchmark_filter=^io\\.sleep/(procs|threads)/"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            if len(json.loads(out.read_text())["benchmarks"]) >= 2:
                break
        except (OSError, ValueError, KeyError):
            pass
    else:
        p.kill()
        pytest.fail("no result within 120 s")
    t0 = time.time()
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    assert time.time() - t0 < 15, "did not stop promptly"
    assert p.returncode == code, err
    doc = strict_load(out)
    assert len(doc["benchmarks"]) >= 2
    assert all("interrupted" not in b.get("error_message", "") for b in doc["benchmarks"])
    time.sleep(0.5)
    assert processes_running(binary, env) == []


def scipy_env():
    env = dict(os.environ)
    local = ROOT / "third_party" / "scipy" / "usr" / "lib" / "python3" / "dist-packages"
    if local.is_dir():
        env["PYTHONPATH"] = f"{local}:{env.get('PYTHONPATH', '')}"
    return env


def test_google_benchmark_compare_py_reads_two_runs(binary, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        r = run(binary, "--suite", "quick", f"--benchmark_filter={SMALL}|^ipc/threads/",
                "--benchmark_repetitions=3", "--out", str(out))
        assert r.returncode == 0, r.stderr
    compare = "/usr/share/benchmark/compare.py"
    assert os.path.exists(compare), "Debian's libbenchmark-tools is not installed (scripts/setup)"
    r = subprocess.run(["/usr/bin/python3", compare, "benchmarks", str(a), str(b)],
                       capture_output=True, text=True, env=scipy_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert SMALL_NAME in r.stdout
    assert "U Test" in r.stdout or "U-test" in r.stdout or "OVERALL_GEOMEAN" in r.stdout


# SIGTERM 3 s into io.sleep at C = 10,000: every model ends promptly, blocked tasks
# included, with a valid results file and no process left. The parent kills the benchmark's
# process group 1.5 s after forwarding the signal; measured on a quiet machine every model
# ends within 2 s. The test allows 8 s so that a loaded CI machine does not fail it (tests
# never assert a time; before isolation this hung for 30-65 s).
@pytest.mark.parametrize("model", ["coro", "coro_mt", "procs_coro", "tbb", "tbb_blocking",
                                   "threads", "thread_per_task", "procs"])
def test_sigterm_ends_ten_thousand_waits_within_two_seconds(binary, tmp_path, model):
    out = tmp_path / "r.json"
    env = tagged_env()
    p = subprocess.Popen([binary, "--suite", "full", "--out", str(out), "--benchmark_min_time=30",
                          f"--benchmark_filter=^io\\.sleep/{model}/(.*/)?concurrency:10000/latency_us:100000/"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(3)
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        pytest.fail(f"{model}: still running 10 s after SIGTERM")
    took = time.time() - t0
    assert took < 8.0, f"{model}: ended {took:.2f} s after SIGTERM"
    assert p.returncode in (143, 0), err  # 0: it had already finished (or was skipped)
    strict_load(out)
    time.sleep(0.3)
    assert processes_running(binary, env) == []


def test_while_the_results_file_cannot_be_written_a_kill_loses_no_more_than_with_it(binary, tmp_path):
    """The rescue copy is made when the file first fails and kept up to date after every
    benchmark, not only at the end: killed outright meanwhile, the run leaves it whole."""
    folder, spare = tmp_path / "gone", tmp_path / "spare"
    folder.mkdir()
    spare.mkdir()
    out = folder / "r.json"
    p = subprocess.Popen([binary, "--suite", "quick", "--out", str(out), "--benchmark_filter=^start/",
                          "--benchmark_min_time=0.5"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, env=dict(os.environ, TMPDIR=str(spare)), start_new_session=True)
    try:
        remove_under_a_writer(folder, out)
        deadline = time.time() + 60
        copy = spare / f"concbench-rescued-{p.pid}-r.json"
        while time.time() < deadline and not (copy.exists() and strict_load(copy)["benchmarks"]):
            time.sleep(0.05)
        assert p.poll() is None, "it ended before the test could kill it"
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate(timeout=30)
    assert strict_load(copy)["benchmarks"]  # every benchmark that had finished, as valid JSON


def test_a_disk_that_fills_loses_nothing_the_results_go_to_standard_error_last(binary, tmp_path):
    """The results file fits at first (the 64 KiB probe passes), then outgrows a file size
    limit (ulimit -f: as a full disk, a write that fails, once SIGXFSZ is ignored) and so do
    its rescue copies, which the same limit stops: the results come out on standard error."""
    import resource
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))
    flt = r"--benchmark_filter=^start/"
    out = tmp_path / "r.json"  # 12 repetitions: about 110 KiB in all
    p = subprocess.run([binary, "--suite", "quick", flt, "--benchmark_repetitions=12",
                        "--benchmark_min_time=0.01", "--out", str(out)],
                       capture_output=True, text=True, timeout=300, preexec_fn=limit,
                       env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert p.returncode == 74, p.stderr[-2000:]
    assert "File too large" in p.stderr and "the run goes on" in p.stderr
    head, sep, doc = p.stderr.partition(f"nor a copy in {tmp_path} or /dev/shm: the results follow as JSON\n")
    assert sep, p.stderr[-2000:]
    names = {b["run_name"] for b in json.loads(doc)["benchmarks"]}
    listed = run(binary, "--suite", "quick", flt, "--benchmark_list_tests").stdout.split()
    assert names == set(listed)
    assert 0 < out.stat().st_size <= 64 << 10  # its last complete version, never a torn one
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob("concbench-rescued-*"))


@pytest.mark.parametrize("isolate", [[], ["--no-isolate"]])
def test_google_benchmarks_time_unit_and_aggregates_only_flags_are_honoured(binary, tmp_path, isolate):
    ms, us = tmp_path / "ms.json", tmp_path / "us.json"
    for out, unit in ((ms, []), (us, ["--benchmark_time_unit=us"])):
        r = run(binary, "--suite", "quick", f"--benchmark_filter={SMALL}", "--out", str(out), *unit, *isolate)
        assert r.returncode == 0, r.stderr
    (a,), (b,) = strict_load(ms)["benchmarks"], strict_load(us)["benchmarks"]
    assert (a["time_unit"], b["time_unit"]) == ("ms", "us")
    # Each run's time, read back in seconds from its own unit-free rate, is the same figure: never a
    # ratio of two runs' times, which the machine's load can move
    for e, per_s in ((a, 1e3), (b, 1e6)):
        seconds = e["iterations"] * e["tasks"] / e["items_per_second"]
        assert e["real_time"] == pytest.approx(seconds * per_s, rel=1e-6)
    r = run(binary, "--suite", "quick", f"--benchmark_filter={SMALL}", "--out", str(ms), *isolate,
            "--benchmark_repetitions=2", "--benchmark_report_aggregates_only=true")
    assert r.returncode == 0, r.stderr
    assert {e["run_type"] for e in strict_load(ms)["benchmarks"]} == {"aggregate"}
    assert "1 of 1 benchmarks ran" in r.stderr  # aggregates count as the benchmark they sum up


def test_a_results_file_that_cannot_be_written_later_is_rescued_a_message_and_exit_74(binary, tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    out = folder / "r.json"
    spare = tmp_path / "spare"
    spare.mkdir()
    p = subprocess.Popen([binary, "--suite", "quick", "--out", str(out),
                          "--benchmark_filter=^start/"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, TMPDIR=str(spare)))
    remove_under_a_writer(folder, out)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 74, err
    assert "cannot write" in err
    # Nothing is lost: every result is written beside $TMPDIR instead, and the message says where.
    (rescued,) = spare.glob(f"concbench-rescued-{p.pid}-r.json")
    assert f"every result is in {rescued} instead" in err
    listed = run(binary, "--suite", "quick", "--benchmark_list_tests", "--benchmark_filter=^start/")
    names = {b["run_name"] for b in strict_load(rescued)["benchmarks"]}
    assert names == set(listed.stdout.split())
    assert "results in" not in err  # the summary does not claim the file it could not write


def test_every_benchmark_runs_in_its_own_process(binary, tmp_path):
    """Isolation: a benchmark's peak memory does not carry what an earlier one allocated."""
    out = tmp_path / "r.json"
    big = "^io\\.sleep/threads/workers:100/concurrency:100/latency_us:10000/"
    small = "^start/threads/workers:2/"
    r = run(binary, "--suite", "quick", "--out", str(out), f"--benchmark_filter={big}|{small}")
    assert r.returncode == 0, r.stderr
    rss = {b["name"].split("/")[0]: b["peak_rss_bytes"] for b in strict_load(out)["benchmarks"]}
    alone = tmp_path / "alone.json"
    r = run(binary, "--suite", "quick", "--out", str(alone), f"--benchmark_filter={small}")
    (b,) = strict_load(alone)["benchmarks"]
    assert rss["start"] < 1.25 * b["peak_rss_bytes"], (rss, b["peak_rss_bytes"])


def test_the_scripts_read_what_the_binary_writes_today(binary, tmp_path):
    """scripts/compare and scripts/report take two real runs of this binary (not only
    fixtures): a schema or name the scripts do not know is caught here."""
    runs = []
    for side in ("a", "b"):
        out = tmp_path / f"{side}.json"
        r = run(binary, "--suite", "quick", "--benchmark_filter=^start/coro/|^cpu\\.spin/coro/dispatch:map/grain_us:1000/",
                "--benchmark_repetitions=8", "--benchmark_min_time=0.01", "--out", str(out))
        assert r.returncode == 0, r.stderr
        runs.append(str(out))
    r = subprocess.run([str(ROOT / "scripts" / "compare"), *runs], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode in (0, 1), r.stdout + r.stderr
    r = subprocess.run([str(ROOT / "scripts" / "report"), runs[0], "-o", str(tmp_path / "report")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "report" / "report.md").read_text().strip()


SCENARIOS = (r"^(loop\.blocking/coro/block:(sleep|async|to_thread)/|loop\.blocking/threads/.*block:sleep|"
             r"spawn/(coro|thread_per_task|fork_per_task)/|fanout/coro/|errors/(coro|procs)/|file/(coro|threads)/)")


def test_every_guide_question_has_a_section_with_numbers(binary, tmp_path):
    """The scenarios run, verified, and the report answers each question with their numbers."""
    out = tmp_path / "s.json"
    r = run(binary, "--suite", "quick", f"--benchmark_filter={SCENARIOS}", "--benchmark_min_time=0.01",
            "--out", str(out))
    assert r.returncode == 0, r.stderr
    data = strict_load(out)
    assert set(data["context"]["concbench_scenarios"]) >= {"loop.blocking", "spawn", "fanout", "errors", "file"}
    assert data["context"]["concbench_words"]["block"][:2] == ["async", "sleep"]
    by = {b["run_name"]: b for b in data["benchmarks"]}
    sleep = by["loop.blocking/coro/block:sleep/block_ms:10/real_time"]
    # The probe was late by about the blocking call on the loop; the numbers are the run's own.
    assert sleep["lag_us_p99"] > 0 and sleep["lag_us_max"] >= sleep["lag_us_p50"]
    assert "loop_lag_us_p99" in sleep  # every loop benchmark reports its loop's lag
    assert by["errors/procs/workers:2/dispatch:each/fail:abort/fail_pct:10/real_time"]["failures"] > 0
    r = subprocess.run([str(ROOT / "scripts" / "report"), str(out), "-o", str(tmp_path / "report")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    md = (tmp_path / "report" / "report.md").read_text()
    for q in ["(questions 1 and 5)", "(question 3)", "(question 4)", "(question 6)", "(question 9)",
              "(question 10)"]:
        assert q in md, q
    assert "This run has no point that answers it." not in md


def test_trace_shows_every_worker_on_its_own_track(binary, tmp_path):
    """--trace writes one Chrome/Perfetto JSON trace for isolated benchmarks and their worker
    processes: threads side by side, coroutines as async spans on one loop thread, arrows from
    submit to run, tasks in flight; its cost per event is in the results' context."""
    trace, out = tmp_path / "t.json", tmp_path / "r.json"
    r = run(binary, "--suite", "quick", "--benchmark_min_time=0.01", "--trace", str(trace),
            "--out", str(out), "--benchmark_filter=^(io\\.sleep/coro/concurrency:100/|"
            "cpu\\.spin/threads/workers:2/dispatch:each/grain_us:1000/|io\\.sleep/procs/)")
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "t.json.parts").exists()
    t = json.loads(trace.read_text())
    ev = t["traceEvents"]
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    procs = {e["pid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
    # threads: two workers of one process, each with task slices, and submit -> run arrows
    pool = [k for k, n in names.items() if n == "threads worker"]
    assert len(pool) == 2 and len({p for p, _ in pool}) == 1
    for k in pool:
        assert any(e["ph"] == "X" and e["cat"] == "threads" and (e["pid"], e["tid"]) == k for e in ev)
    flows = [e for e in ev if e["ph"] in "sf"]
    assert {e["ph"] for e in flows} == {"s", "f"}
    # Each arrow end sits on a slice with its exact timestamp, thread and category, and both
    # ends share category, name and id: how Chrome DevTools' trace engine binds flows (checked
    # with @paulirish/trace_engine 0.0.65: 200 flows of 200); Perfetto binds them too.
    slices = {(e["ts"], e["pid"], e["tid"], e["cat"]) for e in ev if e["ph"] == "X"}
    for e in flows:
        assert (e["ts"], e["pid"], e["tid"], e["cat"]) in slices, e
    ends = {(e["cat"], e["name"], e["id"]) for e in flows if e["ph"] == "f"}
    assert ends and ends == {(e["cat"], e["name"], e["id"]) for e in flows if e["ph"] == "s"}
    # coro: coroutines as async spans, every begin ended, on the loop's thread; loop steps
    loop = next(k for k, n in names.items() if n == "asio loop")
    begins = {e["id"] for e in ev if e["ph"] == "b" and e["cat"] == "coro"}
    ends = {e["id"] for e in ev if e["ph"] == "e" and e["cat"] == "coro"}
    assert begins and begins == ends
    assert any(e["ph"] == "X" and e["name"] == "step" and (e["pid"], e["tid"]) == loop for e in ev)
    # procs: worker processes, each its own pid, merged in; tasks in flight as a counter
    workers = [p for p, n in procs.items() if n.endswith("/ worker")]
    assert len(workers) >= 2
    assert any(e["ph"] == "X" and e["cat"] == "procs" and e["pid"] in workers for e in ev)
    assert any(e["ph"] == "C" and e["name"] == "tasks in flight" for e in ev)
    ctx = strict_load(out)["context"]["concbench_trace"]
    assert ctx["event_ns"] > 0 and ctx["file"] == str(trace)


def test_serve_runs_the_http_server_for_other_tools_and_stops_on_ctrl_c(binary):
    """--serve http: the http workload's server in the foreground (for wrk, curl); a GET gets
    the item's bytes; Ctrl-C stops it and its server process."""
    import urllib.request
    p = subprocess.Popen([binary, "--serve", "http"], stdout=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        url = p.stdout.readline().split()[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "item/7?delay_us=0&bytes=4096", timeout=10) as r:
            assert r.status == 200 and len(r.read()) == 4096
        # its own account of the wait it made (W3C Server-Timing, in ms): what the http
        # clients check, since their own clocks count queueing too
        for delay_us in (0, 3000):
            with urllib.request.urlopen(url + f"item/7?delay_us={delay_us}&bytes=8", timeout=10) as r:
                name, dur = r.getheader("Server-Timing").split(";dur=")
                assert name == "delay" and delay_us <= float(dur) * 1000 < delay_us + 1000_000, dur
        # as HTTP says, on one keep-alive connection: HEAD is the GET's head; another method
        # is 405 with Allow; a number that is not one is 400, not 0
        import http.client
        c = http.client.HTTPConnection(*url[len("http://"):].rstrip("/").split(":"), timeout=10)
        for method, path, status, length, allow in [
                ("HEAD", "/item/7?delay_us=0&bytes=4096", 200, "4096", None),
                ("POST", "/item/7", 405, "0", "GET, HEAD"),
                ("GET", "/item/7?delay_us=-5&bytes=10", 400, None, None),
                ("GET", "/item/7?delay_us=0&bytes=10", 200, "10", None)]:
            c.request(method, path)
            r = c.getresponse()
            body = r.read()
            assert (r.status, r.getheader("Allow")) == (status, allow), (method, path)
            assert length is None or (r.getheader("Content-Length"), len(body)) == (length, 0 if method == "HEAD" else int(length))
        c.close()
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=10) == 130
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    time.sleep(0.2)
    left = subprocess.run(["pgrep", "-g", str(p.pid)], capture_output=True, text=True).stdout.split()
    assert not left, f"processes left: {left}"


def test_serve_echo_answers_concbench_plain_echo_and_sockperf_as_their_servers_do(binary):
    """--serve echo: io.echo's server for the field's tools. Tagged requests are answered in
    turn, each after its delay, however they are split or joined; a connection that starts
    otherwise is a plain echo; one that starts with a sockperf message gets sockperf's own
    server's answers (the client flag cleared), none where a message asks for none; and
    sockperf itself, where installed, measures it."""
    import shutil
    p = subprocess.Popen([binary, "--serve", "echo"], stdout=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        host, port = p.stdout.readline().split()[0].split(":")

        def connect():
            s = socket.create_connection((host, int(port)), timeout=10)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return s

        def receive(s, want):
            got = b""
            while len(got) < want:
                got += s.recv(want - len(got))
            return got

        s = connect()
        s.sendall(b"hello\n")
        assert receive(s, 6) == b"hello\n"
        s.close()

        request = lambda delay_us, fill: b"cbd1" + delay_us.to_bytes(4, "little") + bytes([fill]) * 56
        a, b = request(150_000, 1), request(100_000, 2)
        s = connect()
        t0 = time.monotonic()
        s.sendall(a[:2])  # the tag's first bytes alone: still a request
        time.sleep(0.05)
        s.sendall(a[2:] + b[:30])  # and the next one joined to it, split
        time.sleep(0.05)
        s.sendall(b[30:])
        assert receive(s, 64) == a and time.monotonic() - t0 >= 0.15 + 0.05
        assert receive(s, 64) == b and time.monotonic() - t0 >= 0.15 + 0.05 + 0.10
        s.close()

        header = lambda seq, flags, n: seq.to_bytes(8, "big") + flags.to_bytes(2, "big") + n.to_bytes(4, "big")
        s = connect()
        ping = header(7, 3, 64) + bytes(50)  # client | pong request
        s.sendall(ping[:5])
        time.sleep(0.05)
        s.sendall(ping[5:])
        assert receive(s, 64) == header(7, 2, 64) + bytes(50)  # as sockperf's server answers
        # a warm-up message (no answer) and two pings, in one write
        s.sendall(header(8, 1 | 4, 64) + bytes(50) + header(9, 3, 14) + header(10, 3, 20) + bytes(6))
        assert receive(s, 34) == header(9, 2, 14) + header(10, 2, 20) + bytes(6)
        s.close()
        if shutil.which("sockperf"):
            r = subprocess.run(["sockperf", "ping-pong", "--tcp", "-i", host, "-p", port, "-m", "64", "-t", "1"],
                               capture_output=True, text=True, timeout=30)
            sent, received = map(int, re.search(r"Valid Duration.*SentMessages=(\d+); ReceivedMessages=(\d+)",
                                                r.stdout + r.stderr).groups())
            assert received == sent > 100, r.stdout + r.stderr
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=10) == 130
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
