"""scripts/compare on fixture JSON (tests/fixtures/compare, written by make_fixtures.py there):
verdicts (regression, improvement, noise, unchanged), missing and errored benchmarks, bad input
and exit codes, the multiple-comparison correction, thresholds, instruction counts; and the
statistics against scipy and brute force. No test measures or asserts a time."""
import itertools
import json
import math
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "compare"
# As scripts/env.sh does: Debian's scipy unpacked by scripts/setup when apt could not install it.
SCIPY = ROOT / "third_party" / "scipy" / "usr" / "lib" / "python3" / "dist-packages"
for path in (SCIPY, ROOT / "scripts"):
    if path.is_dir() and str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np  # noqa: E402
from scipy import stats as sps  # noqa: E402

from concbench_compare import stats  # noqa: E402
from concbench_compare.__main__ import main  # noqa: E402

SPIN = "cpu.spin/threads/workers:2/dispatch:map/grain_us:1000/real_time"
REAL = "cpu.real/tbb/workers:2/dispatch:each/real_time"
COMPARE = ROOT / "scripts" / "compare"
ECHO = "io.echo/procs/workers:10/concurrency:10/latency_us:0/real_time"


def compare(capsys, tmp_path, *args, base="base.json", cand="same.json"):
    """Runs the command in-process: (exit status, Markdown, stderr, verdicts JSON or None)."""
    out = tmp_path / "verdicts.json"
    paths = [str(p if pathlib.Path(p).is_absolute() else FIX / p) for p in (base, cand)]
    code = main([*paths, "--json", str(out), *args])
    captured = capsys.readouterr()
    verdicts = json.loads(out.read_text()) if out.exists() else None
    return code, captured.out, captured.err, verdicts


def verdict_of(verdicts, benchmark, metric):
    (c,) = [c for c in verdicts["comparisons"]
            if c["benchmark"] == benchmark and c["metric"] == metric]
    return c


def edited(tmp_path, name, edit):
    """A copy of fixture `name` changed by edit(doc), in tmp_path."""
    doc = json.loads((FIX / name).read_text())
    edit(doc)
    path = tmp_path / f"edited-{name}"
    path.write_text(json.dumps(doc))
    return path


# ---- verdicts ------------------------------------------------------------------------------

def test_same_distribution_is_unchanged(capsys, tmp_path):
    code, md, err, v = compare(capsys, tmp_path)
    assert code == 0
    assert {c["verdict"] for c in v["comparisons"]} == {"unchanged"}
    assert v["counts"] == {"regressed": 0, "improved": 0, "too noisy": 0, "unchanged": 21}
    assert v["settings"]["tests"] == 21 and v["settings"]["correction"] == "holm"
    assert "**No regression** in 21 comparisons" in md
    assert err == ""


def test_aggregates_are_recomputed_not_read(capsys, tmp_path):
    code, _, _, v = compare(capsys, tmp_path)
    assert all(c["n_baseline"] == 10 and c["n_candidate"] == 10 for c in v["comparisons"])


def test_regression_is_flagged_exit_1_and_listed_first(capsys, tmp_path):
    code, md, _, v = compare(capsys, tmp_path, cand="slower.json")
    assert code == 1 and v["verdict"] == "regressed" and v["exit_code"] == 1
    regressed = {(c["benchmark"], c["metric"]) for c in v["comparisons"]
                 if c["verdict"] == "regressed"}
    assert regressed == {(SPIN, "time"), (SPIN, "cpu")}
    t = verdict_of(v, SPIN, "time")
    assert 1.05 < t["ci_low"] <= t["ratio"] <= t["ci_high"]
    assert t["p_adjusted"] <= 0.05 and t["method"].startswith("Mann–Whitney U, two-sided")
    # Regressions first, then the one-line verdict, then the rest.
    assert md.index("### Regressed") < md.index("**The candidate regressed**") < md.index(
        "Unchanged (19)")
    assert f"`{SPIN}` (real time +" in md


def test_improvement_is_not_a_failure(capsys, tmp_path):
    code, md, _, v = compare(capsys, tmp_path, cand="faster.json")
    assert code == 0 and v["verdict"] == "ok"
    improved = {(c["benchmark"], c["metric"]) for c in v["comparisons"]
                if c["verdict"] == "improved"}
    assert improved == {(REAL, "time"), (REAL, "cpu")}
    assert verdict_of(v, REAL, "time")["ratio"] < 0.9
    assert "### Improved" in md and "2 improved" in md


def test_noise_is_too_noisy_with_spread_and_repetitions_needed(capsys, tmp_path):
    code, md, _, v = compare(capsys, tmp_path, base="noisy_base.json", cand="noisy.json")
    assert code == 0
    c = verdict_of(v, ECHO, "time")
    assert c["verdict"] == "too noisy"
    assert c["cv_baseline"] > 0.1 and c["cv_candidate"] > 0.1
    assert c["ci_low"] < 0.95 or c["ci_high"] > 1.05  # a 5 % change is not ruled out
    assert c["repetitions_needed"] > 10
    assert "### Too noisy to tell" in md and f"≈ {c['repetitions_needed']}" in md
    others = [x for x in v["comparisons"] if x["benchmark"] != ECHO]
    assert {x["verdict"] for x in others} == {"unchanged"}


def test_missing_benchmarks_are_listed_not_failed(capsys, tmp_path):
    code, md, _, v = compare(capsys, tmp_path, cand="missing.json")
    assert code == 0
    reasons = {n["benchmark"]: n["reason"] for n in v["not_compared"]}
    assert reasons == {
        "ipc/procs/workers:2/dispatch:map/payload_bytes:1024/real_time": "only in baseline",
        "io.sleep/threads/workers:100/concurrency:100/latency_us:10000/real_time":
            "only in candidate"}
    assert "### Not compared" in md and "only in candidate" in md


def test_errored_and_skipped_benchmarks_are_excluded_and_listed(capsys, tmp_path):
    code, md, err, v = compare(capsys, tmp_path, cand="errored.json")
    assert code == 0
    assert "1 benchmark failed in the candidate but not in the baseline" in err
    why = {n["benchmark"]: (n["reason"], n["detail"]) for n in v["not_compared"]}
    assert why["start/threads/workers:2/real_time"] == (
        "errored in candidate", "start/threads: checksum 41 != expected 42")
    assert why[ECHO][0] == "skipped in candidate" and "limit" in why[ECHO][1]
    compared = {c["benchmark"] for c in v["comparisons"]}
    assert "start/threads/workers:2/real_time" not in compared and ECHO not in compared
    assert v["settings"]["tests"] == 15  # the family holds only what was tested
    assert "checksum 41 != expected 42" in md


def test_a_peer_tool_is_not_compared(capsys, tmp_path):
    """wrk or pgbench runs for a fixed time: its run twice as long (pgbench's -T doubled when
    its connections took all of it) is no regression of ours, nor is its CPU ours."""
    peer = "http.peer/wrk/workers:1/concurrency:10/delay_us:0"

    def as_peer(slower):
        def edit(doc):
            doc["context"]["concbench_peers"] = ["wrk"]
            for e in doc["benchmarks"]:
                for k in ("name", "run_name"):
                    e[k] = e[k].replace(ECHO.removesuffix("/real_time"), peer)
                if slower and e["name"].startswith(peer):
                    e["real_time"] *= 2
        return edit
    base = edited(tmp_path, "base.json", as_peer(False))
    code, md, _, v = compare(capsys, tmp_path, base=base,
                             cand=edited(tmp_path, "same.json", as_peer(True)))
    assert code == 0
    why = {n["benchmark"]: (n["reason"], n["detail"]) for n in v["not_compared"]}
    assert why[peer + "/real_time"][0] == "a peer tool" and "wrk_requests_per_s" in why[peer + "/real_time"][1]
    assert all(not c["benchmark"].startswith(peer) for c in v["comparisons"])
    assert "a peer tool" in md

    def failed(doc):  # wrk's errors are our server's: shown as any error is
        as_peer(False)(doc)
        for e in doc["benchmarks"]:
            if e["name"].startswith(peer):
                e.update(error_occurred=True, error_message="wrk saw errors: Non-2xx 12")
    code, md, err, v = compare(capsys, tmp_path, base=base,
                               cand=edited(tmp_path, "same.json", failed))
    why = {n["benchmark"]: (n["reason"], n["detail"]) for n in v["not_compared"]}
    assert why[peer + "/real_time"] == ("errored in candidate", "wrk saw errors: Non-2xx 12")
    assert "failed in the candidate but not in the baseline" in err


# ---- the correction ------------------------------------------------------------------------

def test_correction_changes_the_verdict(capsys, tmp_path):
    target = "cpu.spin/tbb/workers:2/dispatch:map/grain_us:1000/real_time"
    code, md, _, holm = compare(capsys, tmp_path, base="many_base.json", cand="many.json")
    c = verdict_of(holm, target, "time")
    assert c["p"] < 0.01 and c["ratio"] > 1.05  # significant alone, and larger than 5 %
    assert c["p_adjusted"] > 0.05  # not among 48 tests
    assert c["verdict"] == "too noisy" and code == 0
    code, md, _, none = compare(capsys, tmp_path, "--correction", "none",
                                base="many_base.json", cand="many.json")
    assert verdict_of(none, target, "time")["verdict"] == "regressed" and code == 1
    assert "no correction" in md


def test_holm_and_bh_adjust_as_defined():
    p = [0.01, 0.04, 0.03, 0.005]
    assert stats.adjust(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.adjust(p, "bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert stats.adjust(p, "none") == p


# ---- thresholds and settings ---------------------------------------------------------------

def test_threshold_per_pattern_raises_the_bar(capsys, tmp_path):
    code, _, _, v = compare(capsys, tmp_path, r"--threshold", r"cpu\.spin/threads/=20%",
                            cand="slower.json")
    assert code == 0
    c = verdict_of(v, SPIN, "time")
    assert c["verdict"] == "unchanged" and c["min_effect"] == 0.2
    assert "significant" in c["note"]


def test_threshold_per_metric(capsys, tmp_path):
    code, _, _, v = compare(capsys, tmp_path, "--min-effect", "time=20%", cand="slower.json")
    assert code == 1  # CPU time still counts at 5 %
    assert verdict_of(v, SPIN, "time")["verdict"] == "unchanged"
    assert verdict_of(v, SPIN, "cpu")["verdict"] == "regressed"
    code, _, _, v = compare(capsys, tmp_path, "--threshold", r"cpu\.spin/=time:20%,cpu:20%",
                            cand="slower.json")
    assert code == 0


@pytest.mark.parametrize("name, text", [
    ("gate.toml", '[[threshold]]\npattern = \'cpu\\.spin/threads/\'\nmin_effect = "20%"\n'),
    ("gate.json", json.dumps({"threshold": [{"pattern": r"cpu\.spin/threads/",
                                             "min_effect": {"time": "20%", "cpu": "20%"}}]})),
])
def test_config_file(capsys, tmp_path, name, text):
    cfg = tmp_path / name
    cfg.write_text(text)
    code, _, _, v = compare(capsys, tmp_path, "--config", str(cfg), cand="slower.json")
    assert code == 0 and verdict_of(v, SPIN, "cpu")["min_effect"] == 0.2


def test_metrics_flag_narrows_the_family(capsys, tmp_path):
    code, md, _, v = compare(capsys, tmp_path, "--metrics", "time", cand="slower.json")
    assert code == 1 and v["settings"]["tests"] == 7
    assert {c["metric"] for c in v["comparisons"]} == {"time"}


@pytest.mark.parametrize("args, message", [
    (["--min-effect", "lots"], "--min-effect 'lots': expected a percentage like '5%'"),
    (["--min-effect", "speed=5%"], "unknown metric 'speed'"),
    (["--threshold", "(=5%"], "is not a regular expression"),
    (["--threshold", "io.echo"], "expected PATTERN=PERCENT"),
    (["--alpha", "5"], "--alpha '5': expected a significance level between 0 and 1"),
    (["--correction", "bonferroni"], "expected holm, bh or none"),
    (["--min-effect", "150%"], "below 100%"),
])
def test_bad_flags_exit_2_naming_the_flag(capsys, tmp_path, args, message):
    code, md, err, v = compare(capsys, tmp_path, *args)
    assert code == 2 and message in err
    assert v["verdict"] == "bad input" and message in v["error"]


def test_bad_config_exits_2(capsys, tmp_path):
    cfg = tmp_path / "gate.toml"
    cfg.write_text('alpah = 0.01\n')
    code, _, err, _ = compare(capsys, tmp_path, "--config", str(cfg))
    assert code == 2 and "unknown setting 'alpah'" in err


# ---- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("cand, message", [
    ("not_json.json", "broken JSON"),
    ("not_concbench.json", "not a concbench results file"),
    ("suite_full.json", "suites differ (baseline 'quick', candidate 'full')"),
    ("few.json", "too few repetitions to test: 10 in the baseline and 3 in the candidate"),
    ("no-such-file.json", "no such file"),
    ("instr.json", "the baseline is a timed run and the candidate instruction counts"),
])
def test_bad_input_exits_2_with_a_clear_message(capsys, tmp_path, cand, message):
    markdown = tmp_path / "summary.md"
    code, md, err, v = compare(capsys, tmp_path, "--markdown", str(markdown), cand=cand)
    assert code == 2
    assert message in err and err.startswith("compare: ")
    assert md == ""  # nothing on stdout: no verdict
    assert v["exit_code"] == 2 and message in v["error"]
    assert "could not compare" in markdown.read_text()  # so that CI can still post why


def test_too_few_repetitions_says_how_many_are_needed(capsys, tmp_path):
    code, _, err, _ = compare(capsys, tmp_path, cand="few.json")
    # 21 tests under Holm: p <= 0.05/21 = 0.0024; 10 against 3 reach 2/C(13,3) = 0.007 at best.
    assert "p <= 0.0024" in err and "0.007" in err
    assert "Run at least 6 per side (--benchmark_repetitions=6" in err
    code, _, err, _ = compare(capsys, tmp_path, base="few.json", cand="few.json")
    assert "3 in the baseline and 3 in the candidate" in err


def test_mismatched_suites_compare_with_allow_mismatch_and_warn(capsys, tmp_path):
    code, md, err, v = compare(capsys, tmp_path, "--allow-mismatch", cand="suite_full.json")
    assert code == 0
    assert "compare: warning: Suites differ" in err
    assert "> [!WARNING]" in md and v["warnings"]


def test_different_hosts_warn_loudly_but_compare(capsys, tmp_path):
    cand = edited(tmp_path, "same.json", lambda d: d["context"].update(host_name="ci-runner-7"))
    code, md, err, v = compare(capsys, tmp_path, cand=cand)
    assert code == 0
    assert "Different machines: baseline on 'vm', candidate on 'ci-runner-7'" in err
    assert "Different machines" in md.split("### ")[0]  # above the tables


def test_different_core_counts_exit_2(capsys, tmp_path):
    cand = edited(tmp_path, "same.json", lambda d: d["context"].update(concbench_cores=4))
    code, _, err, _ = compare(capsys, tmp_path, cand=cand)
    assert code == 2 and "core counts differ (baseline 2, candidate 4)" in err
    assert "--allow-mismatch" in err


def test_different_spin_calibration_warns(capsys, tmp_path):
    cand = edited(tmp_path, "same.json",
                  lambda d: d["context"].update(spin_iterations_per_us=580.0))
    code, _, err, _ = compare(capsys, tmp_path, cand=cand)
    assert code == 0 and "cpu.spin did 5.2% less work per task" in err and "--spin-rate" in err


def test_no_common_benchmark_exits_2(capsys, tmp_path):
    def rename(doc):
        for e in doc["benchmarks"]:
            e["name"] = e["run_name"] = e["run_name"].replace("/real_time",
                                                              "/iterations:1/real_time")
    code, _, err, _ = compare(capsys, tmp_path, cand=edited(tmp_path, "same.json", rename))
    assert code == 2 and "no benchmark is in both files" in err


def test_only_errored_common_benchmarks_exit_2(capsys, tmp_path):
    def fail_all(doc):
        for e in doc["benchmarks"]:
            e.update(error_occurred=True, error_message="checksum 1 != expected 2")
    code, _, err, _ = compare(capsys, tmp_path, cand=edited(tmp_path, "same.json", fail_all))
    assert code == 2 and "nothing left to compare" in err


def test_aggregates_only_exit_2(capsys, tmp_path):
    def aggregates_only(doc):
        doc["benchmarks"] = [e for e in doc["benchmarks"] if e.get("run_type") == "aggregate"]
    code, _, err, _ = compare(capsys, tmp_path, cand=edited(tmp_path, "same.json", aggregates_only))
    assert code == 2 and "--benchmark_report_aggregates_only" in err


# ---- dispatch ------------------------------------------------------------------------------

def test_map_and_each_are_never_compared(capsys, tmp_path):
    """A candidate that runs the benchmark with dispatch:each where the baseline ran map: the
    same work handed over differently, listed, never paired."""
    each = SPIN.replace("dispatch:map", "dispatch:each")

    def to_each(doc):
        for e in doc["benchmarks"]:
            if e["run_name"] == SPIN:
                e["name"] = e["name"].replace(SPIN, each)
                e["run_name"] = each
    code, md, err, v = compare(capsys, tmp_path, cand=edited(tmp_path, "slower.json", to_each))
    assert code == 0  # the 12 % slower one is each now: not set against map
    assert SPIN not in {c["benchmark"] for c in v["comparisons"]}
    why = {n["benchmark"]: (n["reason"], n["detail"]) for n in v["not_compared"]}
    assert why[SPIN] == ("only in baseline", f"the candidate has it with another dispatch "
                                             f"({each}): different work, not compared")
    assert why[each][0] == "only in candidate" and SPIN in why[each][1]
    assert "differ from the candidate's only by dispatch" in err and "other work" in err


def test_a_baseline_from_before_dispatch_in_names_is_not_paired(capsys, tmp_path):
    code, md, err, v = compare(capsys, tmp_path, base="old_base.json")
    assert code == 0
    compared = {c["benchmark"] for c in v["comparisons"]}
    assert compared == {"io.sleep/coro/concurrency:100/latency_us:10000/real_time", ECHO,
                        "start/threads/workers:2/real_time"}
    assert "written before names carried it" in err and "scripts/ab" in err
    old = "cpu.spin/threads/workers:2/grain_us:1000/real_time"
    why = {n["benchmark"]: n["detail"] for n in v["not_compared"]}
    assert SPIN in why[old]


def test_a_dispatch_that_is_neither_each_nor_map_exits_2(capsys, tmp_path):
    def bad(doc):
        for e in doc["benchmarks"]:
            e["name"] = e["name"].replace("dispatch:map", "dispatch:bulk")
            e["run_name"] = e["run_name"].replace("dispatch:map", "dispatch:bulk")
    path = edited(tmp_path, "same.json", bad)
    code, md, err, v = compare(capsys, tmp_path, cand=path)
    assert code == 2 and md == ""
    assert f"candidate {path}: benchmark #0:" in err
    assert "'dispatch:bulk': dispatch is each" in err and "or map" in err


# ---- wrong types ---------------------------------------------------------------------------

def _set_first(**fields):
    def edit(doc):
        doc["benchmarks"][0].update(fields)
    return edit


WRONG_TYPES = [
    ("time-a-string", _set_first(real_time="fast"), "field 'real_time'", "expected a number",
     "found str 'fast'"),
    ("cpu-counter-a-string", _set_first(cpu_user_s="0.19"), "field 'cpu_user_s'",
     "expected a number (a concbench counter)", "found str '0.19'"),
    ("rss-a-list", _set_first(peak_rss_bytes=[1, 2]), "field 'peak_rss_bytes'",
     "expected a number", "found a list of 2"),
    ("iterations-a-string", _set_first(iterations="x"), "field 'iterations'",
     "expected an integer", "found str 'x'"),
    ("cores-a-string", lambda d: d["context"].update(concbench_cores="2"),
     "context field 'concbench_cores'", "expected an integer of at least 1", "found str '2'"),
    ("entry-not-an-object", lambda d: d["benchmarks"].insert(0, "fast"), "benchmark #0",
     "expected an object with a 'name'", "found str 'fast'"),
]


@pytest.mark.parametrize("edit, where, expected, found", [w[1:] for w in WRONG_TYPES],
                         ids=[w[0] for w in WRONG_TYPES])
def test_a_field_of_the_wrong_type_exits_2_naming_it(capsys, tmp_path, edit, where, expected,
                                                     found):
    path = edited(tmp_path, "same.json", edit)
    code, md, err, v = compare(capsys, tmp_path, cand=path)
    assert code == 2 and md == "" and v["exit_code"] == 2
    assert err.startswith(f"compare: candidate {path}: ")
    if not where.startswith(("context", "benchmark #0")):
        assert f"benchmark #0 '{SPIN}'" in err  # the file, the benchmark, then the field
    for part in (where, expected, found):
        assert part in err, (part, err)


def hide_module(tmp_path, module):
    """An environment in which /usr/bin/python3 cannot import `module` (a sitecustomize.py
    on PYTHONPATH puts None in sys.modules, as a missing package would fail)."""
    site = tmp_path / f"without-{module}"
    site.mkdir()
    (site / "sitecustomize.py").write_text(f"import sys\nsys.modules[{module!r}] = None\n")
    return dict(os.environ, PYTHONPATH=str(site))


@pytest.mark.parametrize("module", ["numpy", "scipy"])
def test_a_missing_library_is_exit_2_not_a_regression(module, tmp_path):
    out = tmp_path / "v.json"
    r = subprocess.run([str(COMPARE), str(FIX / "base.json"), str(FIX / "same.json"),
                        "--json", str(out)], capture_output=True, text=True, timeout=60,
                       env=hide_module(tmp_path, module))
    assert r.returncode == 2, r.stdout + r.stderr  # never 1: CI reads 1 as "regressed"
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert r.stderr.startswith(f"compare: the Python module {module} is missing")
    assert "./scripts/setup" in r.stderr
    if module == "scipy":
        assert ". scripts/env.sh" in r.stderr and "third_party/scipy" in r.stderr
    assert f"sudo apt-get install --no-remove python3-{module}" in r.stderr
    assert json.loads(out.read_text())["exit_code"] == 2  # CI still learns why


# ---- instruction counts --------------------------------------------------------------------

def test_instruction_counts_use_a_plain_threshold(capsys, tmp_path):
    code, md, _, v = compare(capsys, tmp_path, base="instr_base.json", cand="instr.json")
    assert code == 1
    got = {c["benchmark"].split("/")[0] + "/" + c["benchmark"].split("/")[1]: c
           for c in v["comparisons"]}
    assert got["cpu.spin/coro"]["verdict"] == "regressed"  # +2 %
    assert got["cpu.real/coro"]["verdict"] == "improved"  # -3 %
    assert got["cpu.nested/coro"]["verdict"] == "unchanged"  # +0.4 %
    assert got["ipc/coro"]["verdict"] == "unchanged"
    assert all(c["p"] is None and c["metric"] == "instructions" for c in v["comparisons"])
    assert v["settings"]["tests"] == 0
    assert "instructions +2.0%" in md and "CI" not in md.split("###")[1]
    code, _, _, v = compare(capsys, tmp_path, "--min-effect", "instructions=5%",
                            base="instr_base.json", cand="instr.json")
    assert code == 0


# ---- outputs and the command ---------------------------------------------------------------

def test_json_is_strict_and_complete(capsys, tmp_path):
    compare(capsys, tmp_path, cand="slower.json")
    def reject(token):
        raise ValueError(token)
    v = json.loads((tmp_path / "verdicts.json").read_text(), parse_constant=reject)
    assert v["schema"] == "concbench-compare/1"
    assert v["baseline"]["git_revision"] == "aaaaaaaaaaaa"
    assert v["candidate"]["repetitions"] == 10
    c = verdict_of(v, SPIN, "time")
    for key in ("label", "unit", "baseline_median", "candidate_median", "ratio", "change",
                "ci_low", "ci_high", "p", "p_adjusted", "min_effect", "cv_baseline", "verdict"):
        assert key in c


@pytest.mark.parametrize("cand, status", [("same.json", 0), ("slower.json", 1), ("few.json", 2)])
def test_the_command_exit_status(cand, status):
    r = subprocess.run([str(ROOT / "scripts" / "compare"), str(FIX / "base.json"),
                        str(FIX / cand)], capture_output=True, text=True)
    assert r.returncode == status, r.stderr


# ---- statistics ----------------------------------------------------------------------------

def test_exact_p_matches_scipy_without_ties():
    rng = np.random.default_rng(7)
    for _ in range(100):
        n1, n2 = rng.integers(2, 13, 2)
        x, y = rng.normal(size=n1), rng.normal(size=n2) + rng.normal()
        expected = sps.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue
        assert stats.mann_whitney(x, y)[1] == pytest.approx(expected, rel=1e-9)


def test_exact_p_with_ties_matches_enumeration():
    x, y = [5, 5, 6, 7, 7], [6, 7, 7, 8, 8, 9]
    both = np.array(x + y, float)
    ranks = sps.rankdata(both)
    observed = ranks[:len(x)].sum()
    sums = [ranks[list(c)].sum() for c in itertools.combinations(range(len(both)), len(x))]
    low = np.mean([s <= observed + 1e-9 for s in sums])
    high = np.mean([s >= observed - 1e-9 for s in sums])
    assert stats.mann_whitney(x, y) [1:] == (pytest.approx(min(1, 2 * min(low, high))),
                                             "exact, with ties")


def test_smallest_possible_p_and_repetitions_needed():
    assert stats.min_p(3, 3) == pytest.approx(0.1)
    assert stats.min_p(10, 10) == pytest.approx(2 / math.comb(20, 10))
    assert [stats.min_n_per_side(a) for a in (0.05, 0.05 / 21, 0.05 / 279)] == [4, 6, 8]
    assert stats.repetitions_needed(0.0, 0.05, 0.05) == 4
    # More spread or a smaller effect needs more repetitions.
    assert (stats.repetitions_needed(0.02, 0.05, 0.05) < stats.repetitions_needed(0.04, 0.05, 0.05)
            < stats.repetitions_needed(0.04, 0.02, 0.05))


def test_interval_excludes_no_change_exactly_when_the_test_rejects():
    rng = np.random.default_rng(3)
    for _ in range(200):
        n1, n2 = rng.integers(4, 12, 2)
        x = np.exp(rng.normal(0, 0.05, n1))
        y = np.exp(rng.normal(rng.normal(0, 0.05), 0.05, n2))
        _, p, _ = stats.mann_whitney(x, y)
        ratio, low, high = stats.ratio_estimate(x, y, 0.95)
        assert low <= ratio <= high
        assert (low > 1 or high < 1) == (p <= 0.05)
