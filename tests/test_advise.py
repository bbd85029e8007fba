"""scripts/advise and the --at point under it: bad input is exit status 2 with the valid range;
the answer from a stored run is that run's measured best (or, where the best tie, the one with
the least CPU per task); --at registers that one point on every model, in the binary and in the
Python arm; and a real measurement answers. No test asserts a time."""
import json
import os
import pathlib
import statistics
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADVISE = ROOT / "scripts" / "advise"
FIX = ROOT / "tests" / "fixtures" / "advise" / "mixed.json"
MIXED = ["--cpu-us", "1000", "--wait-us", "1000", "--in-flight", "32"]


def advise(*args, binary=None):
    env = dict(os.environ, CONCBENCH_BINARY=binary or "")
    return subprocess.run([str(ADVISE), *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("args, says", [
    (["--cpu-us", "0"], "must compute (--cpu-us) or wait (--wait-us)"),
    (["--wait-us", "5", "--in-flight", "0"], "--in-flight 0: expected a whole number from 1 to 100,000"),
    (["--cpu-us", "-3"], "--cpu-us -3: expected a whole number from 0 to 100,000"),
    (["--wait-us", "5", "--wait-on", "disk"], "--wait-on 'disk': expected timer, socket, db, http"),
    (["--wait-us", "5", "--cpu-us", "5", "--wait-on", "db"], "the suite's db tasks only wait"),
    (["--wait-us", "5", "--wait-on", "http", "--lang", "python"], "the C++ models only"),
    (["--wait-us", "5", "--wait-on", "db", "--in-flight", "5000"], "expected 1 to 1,000"),
    (["--cpu-us", "5", "--dispatch", "all"], "--dispatch 'all': expected each or map"),
    (["--cpu-us", "5", "--wait-us", "5", "--dispatch", "map"], "only for tasks that compute without waiting"),
    (["--cpu-us", "5", "--lang", "go"], "--lang 'go': expected cpp or python"),
    (["--cpu-us", "5", "--cores", "100000"], "--cores 100000: expected 1 to"),
    (["--cpu-us", "5", "--repetitions", "0"], "--repetitions 0: expected 1 to 20"),
    (["--cpu-us", "five"], "invalid int value"),
])
def test_bad_input_is_exit_2_with_the_range(args, says):
    r = advise(*args)
    assert r.returncode == 2 and says in r.stderr, r.stderr


def test_the_answer_is_the_stored_runs_measured_best():
    doc = json.loads(FIX.read_text())
    tput = {}
    for b in doc["benchmarks"]:
        if b.get("run_type") != "aggregate" and not b.get("error_occurred"):
            tput.setdefault(b["name"].split("/")[1], []).append(b["items_per_second"])
    med = {m: statistics.median(v) for m, v in tput.items()}
    best = max(med, key=med.get)
    r = advise(*MIXED, "--from", str(FIX), "--json")
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert ans["ranking"][0] == best and set(ans["ranking"]) == set(med)
    tied = [m for m in tput if max(tput[m]) >= min(tput[best])]
    if len(tied) > 1:  # the least CPU per task among those that tie with the best
        assert ans["recommended"] in tied and ans["tie"]
        cpu = {m: ans["models"][m]["cpu_per_task_us"] for m in tied}
        assert ans["recommended"] == min(cpu, key=cpu.get)
    else:
        assert ans["recommended"] == best and ans["runner_up"] == ans["ranking"][1]
        assert ans["margin"]["median"] == pytest.approx(med[best] / med[ans["runner_up"]] - 1)
    text = advise(*MIXED, "--from", str(FIX)).stdout
    assert text.startswith("concbench advise: 1,000 µs of CPU and a 1,000 µs wait (timer) per task, 32 in flight")
    assert f"Use {ans['recommended']}:" in text


def test_at_registers_that_one_point_on_every_model(binary):
    names = subprocess.run([binary, "--at", "mixed/grain_us:10/concurrency:4/latency_us:1000",
                            "--benchmark_list_tests"], capture_output=True, text=True).stdout.split()
    assert names and all(n.startswith("mixed/") and "/concurrency:4/latency_us:1000/grain_us:10/" in n
                         for n in names), names
    every = subprocess.run([binary, "--suite", "full", "--benchmark_list_tests", "--benchmark_filter=^mixed/"],
                           capture_output=True, text=True).stdout.split()
    assert {n.split("/")[1] for n in names} == {n.split("/")[1] for n in every}
    r = subprocess.run([binary, "--at", "mixed/concurrency:4/latency_us:0/grain_us:10"], capture_output=True, text=True)
    assert r.returncode == 2 and "latency_us '0': expected a whole number from 1 to 1000000" in r.stderr
    r = subprocess.run([binary, "--at", "db/concurrency:4"], capture_output=True, text=True)
    assert r.returncode == 2 and "db needs sleep_us:VALUE" in r.stderr
    r = subprocess.run([binary, "--at", "disk/concurrency:4"], capture_output=True, text=True)
    assert r.returncode == 2 and "expected cpu.spin/..., io.sleep/..., mixed/..., io.echo/..." in r.stderr
    # The waits on real services: one point each, on every model of the workload, no peer.
    for at, workload in (("io.echo/concurrency:8/latency_us:500", "io.echo"), ("db/concurrency:8/sleep_us:500", "db"),
                         ("http/concurrency:8/delay_us:500", "http")):
        names = subprocess.run([binary, "--at", at, "--benchmark_list_tests"], capture_output=True, text=True).stdout.split()
        every = subprocess.run([binary, "--suite", "full", "--benchmark_list_tests", f"--benchmark_filter=^{workload}/"],
                               capture_output=True, text=True).stdout.split()
        assert names and all(n.startswith(workload + "/") and "/concurrency:8/" in n and ":500/" in n for n in names), names
        assert {n.split("/")[1] for n in names} == {n.split("/")[1] for n in every}
    py = subprocess.run([str(ROOT / "scripts" / "bench-python"), "--at", "mixed/concurrency:4/latency_us:1000/grain_us:10",
                         "--list"], capture_output=True, text=True).stdout.split()
    assert {n.split("/")[1] for n in py} == {"py_asyncio", "py_uvloop", "py_threads", "py_procs"}


def test_a_measured_answer(binary):
    r = advise("--cpu-us", "10", "--wait-us", "1000", "--in-flight", "4", "--repetitions", "1", "--json",
               binary=binary)
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert ans["recommended"] in ans["models"] and ans["point"] == "mixed/concurrency:4/latency_us:1000/grain_us:10"
    for m in ans["models"].values():
        assert m["runs"] == 1 and m["throughput"] > 0 and 0 < m["efficiency"] <= 1.0


def _doc(tmp_path, rows):
    """A results file whose entries are (name, counters)."""
    doc = {"context": {"concbench_model_kinds": {"threads": {"waits": "blocking"}, "coro": {"waits": "loop"}}},
           "benchmarks": [dict(name=n, run_type="iteration", **c) for n, c in rows]}
    p = tmp_path / "sweeps.json"
    p.write_text(json.dumps(doc))
    return p


def test_crossovers_bracket_a_known_crossing(tmp_path):
    import sys
    sys.path.insert(0, str(ROOT / "scripts"))
    from concbench_advise import crossovers
    rows = [(f"cpu.spin/threads/workers:2/dispatch:each/grain_us:{g}/real_time", {"speedup": 2 * e, "cores": 2})
            for g, e in ((1, 0.5), (10, 0.8), (100, 0.95), (1000, 0.99))]
    rows += [(f"cpu.spin/coro/dispatch:each/grain_us:{g}/real_time", {"speedup": 1.0, "cores": 2}) for g in (1, 1000)]
    rows += [(f"io.sleep/threads/workers:{c}/concurrency:{c}/latency_us:10000/real_time",
              {"efficiency": e, "workers": c, "concurrency": c, "rss_per_inflight_bytes": 9216})
             for c, e in ((10, 0.99), (100, 0.95), (1000, 0.5))]
    rows += [("io.sleep/threads/workers:2/concurrency:1000/latency_us:10000/real_time",  # a queueing row
              {"efficiency": 0.002, "workers": 2, "concurrency": 1000})]
    rows += [(f"io.sleep/coro/concurrency:{c}/latency_us:10000/real_time", {"efficiency": 0.97, "concurrency": c})
             for c in (10, 1000)]
    ctx, points = crossovers.load(_doc(tmp_path, rows))
    cpu = crossovers.cpu(points, 2, "each")
    assert "`threads` reaches 90 % of the limit from between 10 µs and 100 µs per task (0.80 → 0.95)" in cpu
    assert any(line.startswith("`coro` stays under 90 % up to 1,000 µs") and "not bracketed" in line for line in cpu)
    waits, lat = crossovers.waits(points, 12000, ctx)
    assert lat == 10000
    assert "`threads` falls under 90 % of the ideal between 100 and 1,000 in flight (0.95 → 0.50); " \
           "9 KiB per wait at 100" in waits
    assert any(line.startswith("`coro` holds 90 % up to 1,000 in flight") for line in waits)
