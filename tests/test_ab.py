"""scripts/ab's adaptive rounds, on a stand-in for concbench (a script that writes results files
of three benchmarks with seeded noise, the same on both sides: an A/A): the steady benchmark is
decided in the first look, the noisy one gets more rounds (its samples doubling) until it is
decided or the budget ends, the looks spend alpha as alpha/2^k, and every comparison says how
many rounds it took. Bad options are exit status 2. No test measures or asserts a time."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
AB = ROOT / "scripts" / "ab"
BASE = ROOT / "tests" / "fixtures" / "compare" / "base.json"
STEADY = "cpu.spin/threads/workers:2/dispatch:map/grain_us:1000/real_time"
NOISY = "io.sleep/coro/concurrency:100/latency_us:10000/real_time"
OTHER = "start/threads/workers:2/real_time"

FAKE = f'''#!/usr/bin/python3
# A stand-in for concbench: --out FILE with the benchmarks --benchmark_filter selects, each a
# seeded draw around the fixture's value ({NOISY!r}: 4 %, the others 0.2 %).
import json, os, pathlib, random, re, sys
args = sys.argv[1:]
out = next(a.split("=", 1)[1] for a in args if a.startswith("--out=")) if any(
    a.startswith("--out=") for a in args) else args[args.index("--out") + 1]
flt = ([a.split("=", 1)[1] for a in args if a.startswith("--benchmark_filter=")] or [""])[-1]  # the last wins
state = pathlib.Path(os.environ["FAKE_STATE"])
k = int(state.read_text()) if state.exists() else 0
state.write_text(str(k + 1))
rng = random.Random(k)
doc = json.loads(pathlib.Path({str(BASE)!r}).read_text())
seen, keep = set(), []
for b in doc["benchmarks"]:
    if b.get("run_type") == "aggregate" or b["name"] in seen or not re.search(flt, b["name"]):
        continue
    seen.add(b["name"])
    f = rng.lognormvariate(0, 0.04 if b["name"] == {NOISY!r} else 0.002)
    for key in ("real_time", "cpu_time", "cpu_user_s", "cpu_sys_s"):
        if isinstance(b.get(key), (int, float)):
            b[key] *= f
    b.update(repetitions=1, repetition_index=0)
    keep.append(b)
doc["benchmarks"] = keep
pathlib.Path(out).write_text(json.dumps(doc))
'''


@pytest.fixture
def fake(tmp_path):
    p = tmp_path / "concbench"
    p.write_text(FAKE)
    p.chmod(0o755)
    return p


def ab(tmp_path, fake, *args):
    env = dict(os.environ, FAKE_STATE=str(tmp_path / "state"), CONCBENCH_SPIN_RATE="600")
    return subprocess.run([sys.executable, str(AB), "A", "B", "--binary-a", str(fake), "--binary-b", str(fake),
                           "--out", str(tmp_path / "out"), *args,
                           f"--benchmark_filter=^({STEADY}|{NOISY}|{OTHER})$".replace("/real_time", "")
                           .replace("$", "(/real_time)?$")],
                          capture_output=True, text=True, env=env, timeout=600)


def test_the_noisy_benchmark_gets_more_rounds_and_alpha_is_spent(tmp_path, fake):
    r = ab(tmp_path, fake, "--rounds", "3", "--budget", "5")
    assert r.returncode == 0, r.stdout + r.stderr
    v = json.loads((tmp_path / "out" / "verdicts.json").read_text())
    rounds = {c["benchmark"]: c["rounds"] for c in v["comparisons"] if c["metric"] == "time"}
    assert rounds[STEADY] == 3 and rounds[OTHER] == 3
    assert rounds[NOISY] > 3, v["comparisons"]  # looked at again, with its samples doubled
    assert [x["alpha"] for x in v["looks"]] == [0.05 / 2 ** k for k in range(1, len(v["looks"]) + 1)]
    assert sum(x["alpha"] for x in v["looks"]) < 0.05
    assert v["counts"]["regressed"] == 0
    md = (tmp_path / "out" / "summary.md").read_text()
    assert "Rounds per benchmark: 3 rounds: 2 benchmarks" in md and "## Look 2:" in md


def test_no_budget_means_one_look(tmp_path, fake):
    r = ab(tmp_path, fake, "--rounds", "3", "--budget", "0")
    assert r.returncode == 0, r.stdout + r.stderr
    v = json.loads((tmp_path / "out" / "verdicts.json").read_text())
    assert len(v["looks"]) == 1 and {c["rounds"] for c in v["comparisons"]} == {3}


@pytest.mark.parametrize("args, says", [
    (["--alpha", "1.5"], "--alpha 1.5"),
    (["--budget", "-1"], "--budget -1"),
    (["--compare=--alpha=0.1"], "scripts/ab's own option"),
    (["--binary-a", "/nonexistent"], "not an executable file"),
])
def test_bad_options_are_exit_2(tmp_path, fake, args, says):
    r = ab(tmp_path, fake, *args)
    assert r.returncode == 2 and says in r.stderr, r.stderr


def test_calibrate_measures_false_alarms_and_detection(tmp_path, fake):
    docs = tmp_path / "calibration-doc.md"
    r = ab(tmp_path, fake, "--rounds", "3", "--calibrate", "4", "--effects", "20", "--inject-into", "threads",
           "--docs", str(docs))
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads((tmp_path / "out" / "calibration.json").read_text())
    assert res["runs"] == 24 and [b["rounds"] for b in res["rounds"]] == [3, 6]
    block = res["rounds"][0]
    assert block["aa"]["tests"] > 0 and block["aa"]["comparisons_with_false_regression"] <= 4
    found = block["ab"]["20.0"]
    assert set(found) == {STEADY, OTHER}  # the threads benchmarks; the noisy one is coro's
    assert found[STEADY]["detected"] == 4  # 20 % through 0.2 % noise: every time
    text = docs.read_text()
    assert text == (tmp_path / "out" / "calibration.md").read_text()
    assert "A/A: comparisons with a false regression" in text and "+20.0 % into threads" in text
