"""scripts/compare history: change points in a series of results files (made here from the
compare fixtures' baseline, with seeded noise): a step in one benchmark is found at its run, the
same step with the machine's floors moving is the machine's, an unchanged series raises
nothing, and bad input is exit status 2. No test measures or asserts a time."""
import copy
import json
import pathlib
import random
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCIPY = ROOT / "third_party" / "scipy" / "usr" / "lib" / "python3" / "dist-packages"
for path in (SCIPY, ROOT / "scripts"):
    if path.is_dir() and str(path) not in sys.path:
        sys.path.insert(0, str(path))

from concbench_compare import history  # noqa: E402
from concbench_compare.__main__ import main  # noqa: E402

BASE = json.loads((ROOT / "tests" / "fixtures" / "compare" / "base.json").read_text())


def series_files(tmp_path, n=30, step_at=None, step=0.10, floors_step=0.0, noise=0.03, seed=1,
                 which=None):
    """n results files: BASE's benchmarks with lognormal noise (sigma `noise`) on their times
    and CPU, `step` added to benchmark `which` (default: the first) from run step_at on, and
    every floor moved by floors_step from step_at on."""
    rng = random.Random(seed)
    which = which or BASE["benchmarks"][0]["name"]
    paths = []
    for k in range(n):
        doc = copy.deepcopy(BASE)
        doc["context"]["concbench_git_revision"] = f"r{k:02d}"
        moved = step_at is not None and k >= step_at
        floors = doc["context"].setdefault("concbench_floors", {
            "thread_switch_us": {"value": 2.0, "unit": "us", "how": "test"},
            "fork_small_us": {"value": 150.0, "unit": "us", "how": "test"}})
        for f in floors.values():
            f["value"] *= rng.lognormvariate(0, noise) * (1 + floors_step if moved else 1)
        for e in doc["benchmarks"]:
            factor = rng.lognormvariate(0, noise) * (1 + step if moved and e["name"] == which else 1)
            for key in ("real_time", "cpu_time", "cpu_user_s", "cpu_sys_s"):
                if isinstance(e.get(key), (int, float)):
                    e[key] *= factor
        p = tmp_path / f"run{k:02d}.json"
        p.write_text(json.dumps(doc))
        paths.append(str(p))
    return paths


def run_history(capsys, tmp_path, paths, *args):
    out = tmp_path / "changes.json"
    code = main(["history", *paths, "--json", str(out), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err, (json.loads(out.read_text()) if out.exists() else None)


def test_a_step_is_found_at_its_run(capsys, tmp_path):
    name = BASE["benchmarks"][0]["name"]
    code, md, _, doc = run_history(capsys, tmp_path, series_files(tmp_path, step_at=20))
    assert code == 1, md
    found = [c for c in doc["change_points"] if c["benchmark"] == name and c["metric"] == "time"]
    assert found and abs(found[0]["run"] - 20) <= 3, found
    assert found[0]["verdict"] == "regression" and 0.05 < found[0]["change"] < 0.15
    # Nothing else moved.
    assert all(c["benchmark"] == name for c in doc["change_points"]), doc["change_points"]
    assert "regression(s) of the code" in md and "run20.json" in md


def test_an_unchanged_series_raises_nothing(capsys, tmp_path):
    for seed in range(3):
        code, md, _, doc = run_history(capsys, tmp_path, series_files(tmp_path, seed=seed))
        assert code == 0 and doc["change_points"] == [], md
        assert "No regression of the code" in md


def test_a_step_with_the_floors_is_the_machines(capsys, tmp_path):
    code, md, _, doc = run_history(capsys, tmp_path, series_files(tmp_path, step_at=15, floors_step=0.3))
    assert code == 0, md  # the machine changed: not the code's regression
    found = [c for c in doc["change_points"] if c["metric"] == "time"]
    assert found and all(c["verdict"] == "machine changed" for c in found), found
    assert {f["floor"] for f in found[0]["floors_moved"]} == {"thread_switch_us", "fork_small_us"}
    assert "the machine changed" in md


def test_an_improvement_is_not_a_regression(capsys, tmp_path):
    code, _, _, doc = run_history(capsys, tmp_path, series_files(tmp_path, step_at=12, step=-0.2))
    assert code == 0
    assert [c["verdict"] for c in doc["change_points"] if c["metric"] == "time"] == ["improvement"]


def test_e_divisive_finds_two_steps():
    rng = random.Random(7)
    x = [rng.gauss(100, 1) for _ in range(12)] + [rng.gauss(120, 1) for _ in range(12)] + \
        [rng.gauss(90, 1) for _ in range(12)]
    assert history.change_points(x, 0.001, 0.05) == [12, 24]


@pytest.mark.parametrize("args, says", [
    (["a.json"], "at least 4 runs on each side"),
    (["--max-pvalue", "2"] + [f"f{i}.json" for i in range(8)], "--max-pvalue"),
    ([f"missing{i}.json" for i in range(8)], "no such file"),
])
def test_bad_input_is_exit_2(capsys, args, says):
    assert main(["history", *args]) == 2
    assert says in capsys.readouterr().err


REAL = ROOT / "tests" / "fixtures" / "history" / "real-30.json"


def real_series(tmp_path, step_at=None, step=0.10, model="threads"):
    """The 30 real runs of one revision (the 2-vCPU VM, 2026-12-08, the recommended CI selection,
    trimmed to the fields the gate reads), with `step` applied to `model`'s time and CPU from
    run step_at on."""
    paths = []
    for k, doc in enumerate(json.loads(REAL.read_text())):
        for b in doc["benchmarks"]:
            if step_at is not None and k >= step_at and b["name"].split("/")[1] == model:
                for key in ("real_time", "cpu_time", "cpu_user_s", "cpu_sys_s"):
                    if isinstance(b.get(key), (int, float)):
                        b[key] *= 1 + step
        p = tmp_path / f"real{k:02d}.json"
        p.write_text(json.dumps(doc))
        paths.append(str(p))
    return paths


def test_thirty_real_runs_of_one_revision_raise_no_regression(capsys, tmp_path):
    """What the machine did meanwhile (its floors moved at two places) is the machine's."""
    code, md, _, doc = run_history(capsys, tmp_path, real_series(tmp_path))
    assert code == 0, md
    assert all(c["verdict"] != "regression" for c in doc["change_points"]), doc["change_points"]


def test_a_ten_percent_step_in_real_runs_is_found_within_three_runs(capsys, tmp_path):
    code, md, _, doc = run_history(capsys, tmp_path, real_series(tmp_path, step_at=20))
    assert code == 1, md
    found = [c for c in doc["change_points"] if c["verdict"] == "regression"]
    assert found and all(abs(c["run"] - 20) <= 3 and "/threads/" in c["benchmark"] for c in found), found
    assert {c["benchmark"] for c in found if c["metric"] == "time"} >= {
        "cpu.spin/threads/workers:2/dispatch:each/grain_us:1000/real_time",
        "io.sleep/threads/workers:100/concurrency:100/latency_us:10000/real_time"}
