"""scripts/report on hand-made fixtures (tests/fixtures/report/, written by make_fixtures.py):
the rows, winners and ties it decides, the trust checks, several hosts side by side, bad input
refused with exit 2, and the HTML opened in headless Chromium. No test checks a time."""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "report"
REPORT = ROOT / "scripts" / "report"
sys.path.insert(0, str(ROOT / "scripts"))

from concbench_report import cli, decide, load, model, series, units  # noqa: E402

# One speedup, overhead and ipc plot per dispatch; "speedup" alone is cpu.nested (no dispatch).
PLOTS = ["io_throughput", "echo", "speedup_map", "speedup_each", "speedup", "overhead_map",
         "overhead_each", "latency", "memory", "mixed", "ipc_map", "ipc_each"]


def group_of(*names):
    return model.group_runs(load.load_runs([str(FIX / n) for n in names]))


@pytest.fixture(scope="module")
def basic():
    (g,) = group_of("basic.json")
    return decide.decide(g)


@pytest.fixture(scope="module")
def repeated():
    (g,) = group_of("repeated.json")
    return decide.decide(g)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """scripts/report basic.json -o DIR, as a user runs it."""
    out = tmp_path_factory.mktemp("report")
    r = subprocess.run([str(REPORT), str(FIX / "basic.json"), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    return r, out


def cells(d, key):
    row = next(r for r in d.headline if r.key == key)
    return row.cells


def winners(d):
    return {c.key: set(c.winners) for c in d.best_for}


def edited(tmp_path, name, edit):
    """A copy of fixture `name` changed by edit(doc), in tmp_path."""
    doc = json.loads((FIX / name).read_text())
    edit(doc)
    path = tmp_path / f"edited-{name}"
    path.write_text(json.dumps(doc))
    return path


def entry_of(doc, name):
    return next(e for e in doc["benchmarks"] if e.get("name") == name)


# ------------------------------------------------------------------------------ names, units

@pytest.mark.parametrize("name, workload, model_, params", [
    ("cpu.spin/coro/grain_us:1000/real_time", "cpu.spin", "coro", {"grain_us": 1000}),
    ("io.sleep/threads/workers:100/concurrency:100/latency_us:10000/real_time", "io.sleep",
     "threads", {"workers": 100, "concurrency": 100, "latency_us": 10000}),
    ("start/coro/real_time", "start", "coro", {}),
    ("ipc/procs/workers:2/payload_bytes:0/real_time", "ipc", "procs", {"workers": 2, "payload_bytes": 0}),
    ("cpu.spin/tbb/workers:2/grain_us:1/repeats:3/real_time", "cpu.spin", "tbb",
     {"workers": 2, "grain_us": 1}),
    ("cpu.spin/threads/workers:2/dispatch:map/grain_us:1000/real_time", "cpu.spin", "threads",
     {"workers": 2, "dispatch": "map", "grain_us": 1000}),
    ("cpu.spin/coro/dispatch:each/grain_us:1000/real_time", "cpu.spin", "coro",
     {"dispatch": "each", "grain_us": 1000}),
    ("cpu.real/tbb/workers:2/dispatch:each/real_time", "cpu.real", "tbb",
     {"workers": 2, "dispatch": "each"}),
    ("ipc/procs/workers:2/dispatch:map/payload_bytes:1024/real_time", "ipc", "procs",
     {"workers": 2, "dispatch": "map", "payload_bytes": 1024}),
])
def test_names_are_parsed_in_one_place(name, workload, model_, params):
    n = model.parse_name(name)
    assert (n.workload, n.model, dict(n.params)) == (workload, model_, params)
    assert n.dispatch == params.get("dispatch")


@pytest.mark.parametrize("name", ["BM_legacy/8", "cpu.spin", "cpu.spin/tbb/grain_us:fast/real_time",
                                  "cpu.spin/tbb/workers:2/dispatch:chunked/grain_us:1/real_time",
                                  "cpu.spin/tbb/workers:2/dispatch:1/real_time",
                                  "cpu.spin/tbb/workers:2/dispatch/real_time",
                                  "cpu.spin/tbb/workers:each/dispatch:map/real_time"])
def test_unreadable_names_are_refused(name):
    with pytest.raises(model.NameError_):
        model.parse_name(name)


def test_a_dispatch_that_is_not_each_or_map_says_which_words_there_are():
    with pytest.raises(model.NameError_) as e:
        model.parse_name("cpu.spin/tbb/workers:2/dispatch:chunked/grain_us:1/real_time")
    assert "'dispatch:chunked'" in str(e.value) and "each" in str(e.value) and \
        "map" in str(e.value) and "found 'chunked'" in str(e.value)


def test_units_come_from_the_unit_string():
    assert units.fmt(1441.79, "B") == "1.41 KiB"
    assert units.fmt(845115, "1/s") == "845 k/s"
    assert units.fmt(3.03e-5, "s") == "30.3 µs"
    assert units.fmt(1.8, "us") == "1.8 µs"
    assert units.fmt(1.996, "x") == "2.00×"
    assert units.fmt(0.961, "ratio") == "0.96"
    assert units.fmt(10000, "1") == "10,000"
    assert units.fmt(float("nan"), "s") == "n/a"


# ------------------------------------------------------------------------------ repetitions

def test_repetitions_fold_into_median_spread_and_cv(repeated):
    g = repeated.group
    p = next(p for p in g.points if p.name == "cpu.spin/threads/workers:2/grain_us:1/real_time")
    wall = p.stats["wall_s"]
    assert wall.n == 3 and wall.value == pytest.approx(0.050)
    assert (wall.lo, wall.hi) == (pytest.approx(0.0499), pytest.approx(0.0502))
    assert 0 < wall.cv < 0.01 and not p.unstable
    # Only Google Benchmark's aggregates were written for this one: its median and CV.
    agg = next(p for p in g.points if p.name == "cpu.spin/procs/workers:2/grain_us:1000/real_time")
    assert agg.stats["wall_s"].value == pytest.approx(0.140)
    assert agg.n == 3 and agg.cv == pytest.approx(0.00714, rel=0.01)
    assert agg.stats["wall_s"].lo is None


def test_unstable_results_are_marked_with_a_remedy(repeated, tmp_path):
    assert [p.name for p in repeated.unstable] == ["cpu.spin/threads/workers:2/grain_us:1000/real_time"]
    assert cells(repeated, "cpu_speedup")["threads"].text.endswith("⚠")
    assert "±" in cells(repeated, "cpu_speedup")["tbb"].text
    md, _ = cli.build([str(FIX / "repeated.json")], str(tmp_path))
    text = md.read_text()
    assert "--benchmark_repetitions=10" in text and "⚠" in text
    assert "--benchmark_filter='^cpu\\.spin/threads/workers:2/grain_us:1000/'" in text


def test_ties_follow_the_measured_spread(repeated):
    w = winners(repeated)
    by_key = {c.key: c for c in repeated.best_for}
    # 3 % apart, each within 0.3 %: a win, though the 5 % default would call it a tie.
    assert w["cpu_fine"] == {"threads"}
    assert by_key["cpu_fine"].tolerance_from == "repetitions"
    # threads varies by 9 %: tbb 4 % behind is within the noise, procs 29 % behind is not.
    assert w["cpu_coarse"] == {"threads", "tbb"} and by_key["cpu_coarse"].tie


def test_the_verdicts_call_ties_from_the_spread_and_say_how_sure(repeated):
    v = {x.key: x for x in repeated.verdicts}
    # A 3 % lead measured with 0.3 % spread names one model, with its margin and runner-up.
    assert v["cpu_fine"].use == "threads" and v["cpu_fine"].margin.startswith("1.")
    assert "over tbb" in v["cpu_fine"].margin or "over procs" in v["cpu_fine"].margin
    assert v["cpu_fine"].sure.startswith("3 runs, ±")
    # Within the noise: both named, no single winner, the range said.
    assert v["cpu_coarse"].use == "threads, tbb" and v["cpu_coarse"].margin.startswith("tie ")
    assert "last procs" in v["cpu_coarse"].margin and "CPU/item" in v["cpu_coarse"].cost


def test_every_class_and_question_has_a_verdict_line(basic):
    assert [x.key for x in basic.verdicts] == [c.key for c in basic.best_for]
    for x in basic.verdicts:
        assert x.use and x.margin and x.cost, x
        assert x.sure.startswith("1 run")  # one run each: its spread is not measured
    io_high = next(x for x in basic.verdicts if x.key == "io_high")
    assert "RSS/op" in io_high.cost  # memory per operation in flight, where the I/O ties
    assert [x.key for x in basic.scenario_verdicts] == [s.key for s in basic.scenarios]
    assert all(x.margin for x in basic.scenario_verdicts)


def test_the_deciding_points_are_what_the_verdicts_rest_on():
    from concbench_report import deciding
    names = deciding.deciding_names([str(FIX / "repeated.json")])
    assert "cpu.spin/threads/workers:2/grain_us:1/real_time" in names
    rx = re.compile(deciding.as_filter(names))
    assert all(rx.search(n) for n in names) and all(rx.search(n.removesuffix("/real_time")) for n in names)
    assert not rx.search("cpu.spin/threads/workers:2/grain_us:10/real_time")


# ------------------------------------------------------------------------------ decisions

def test_headline_has_the_rows_asked_for(basic):
    assert [r.key for r in basic.headline] == [
        "io_reach", "io_memory", "io_cpu", "cpu_speedup_map", "cpu_speedup_each",
        "cpu_efficiency_map", "cpu_efficiency_each", "overhead_map", "overhead_each", "start",
        "start_many", "best_for"]
    assert list(cells(basic, "io_reach")) == ["coro", "threads", "tbb", "tbb_blocking", "procs",
                                              "procs_coro", "thread_per_task"]
    reach = cells(basic, "io_reach")
    assert (reach["coro"].value, reach["threads"].value, reach["procs"].value) == (1000, 100, 10)
    assert reach["coro"].sources == ("io.sleep/coro/concurrency:1000/latency_us:10000/real_time",)
    assert reach["tbb"].value == 1000  # suspended tasks: 1000 waits on 2 workers
    assert "skipped" in reach["tbb_blocking"].note  # reached 10; C = 1000 was skipped
    assert cells(basic, "io_memory")["coro"].text == "1.46 KiB"
    assert cells(basic, "io_cpu")["procs"].text == "140 µs"
    speedup = cells(basic, "cpu_speedup_map")
    assert speedup["threads"].text == "1.99×"  # workers = cores (2), not workers 1
    assert speedup["threads"].sources == (
        "cpu.spin/threads/workers:2/dispatch:map/grain_us:1000/real_time",)
    assert cells(basic, "cpu_speedup_each")["threads"].text == "1.98×"
    assert cells(basic, "cpu_efficiency_map")["procs"].text == "0.90"
    assert cells(basic, "overhead_map")["threads"].text == "330 ns = 0.22× thread_switch_us"
    assert cells(basic, "overhead_each")["threads"].text == "1.2 µs = 0.8× thread_switch_us"
    assert cells(basic, "start")["procs"].text == "2.7 ms"
    assert cells(basic, "start_many")["procs"].text == "50 ms"
    assert cells(basic, "start_many")["coro"].text == "one loop only"


def test_every_number_is_traceable_to_a_benchmark(basic):
    names = {b["name"] for b in json.loads((FIX / "basic.json").read_text())["benchmarks"]}
    for row in basic.headline:
        for m, c in row.cells.items():
            if c.status == "ok":
                assert c.sources and set(c.sources) <= names, (row.key, m)
    for cls in basic.best_for:
        for e in cls.ranking:
            assert set(e.cell.sources) <= names and e.cell.sources
    for g in basic.guide:
        assert set(g.measured.sources) <= names


def test_winners_and_ties(basic):
    assert winners(basic) == {
        "cpu_fine_map": {"tbb"},                    # 12 % ahead of procs
        "cpu_coarse_map": {"threads", "tbb"},       # 1 % apart: a tie; procs 9.5 % behind
        "cpu_fine_each": {"threads"},               # not procs, whose 1.7x was with map
        "cpu_coarse_each": {"threads"},
        "cpu_real_map": {"tbb", "threads"},
        "cpu_real_each": {"threads"},
        "cpu_nested": {"tbb"},                      # no dispatch: one class
        "io_low": {"coro", "threads", "tbb", "tbb_blocking"},  # procs 7 % behind
        "io_high": {"coro"},
        "io_echo": {"coro"},                        # procs' faster point saturated its server
        "mixed_0.1": {"threads"},
        "mixed_10": {"tbb", "threads"},
        "ipc_large_map": {"tbb"},
        "ipc_large_each": {"threads"},
    }
    high = next(c for c in basic.best_for if c.key == "io_high")
    assert [(e.model, e.cell.status) for e in high.absent] == [("tbb_blocking", "skipped"),
                                                               ("procs", "absent")]
    best = cells(basic, "best_for")
    assert best["procs"].text == "—"
    assert "high-concurrency I/O" in best["coro"].text and "(tie)" in best["threads"].text
    assert "fine-grained CPU (dispatch: each)" in best["threads"].text
    assert "fine-grained CPU (dispatch: map)" in best["tbb"].text


# ------------------------------------------------------------------------------ dispatch

def test_models_are_ranked_only_within_one_dispatch(basic):
    for cls in basic.best_for:
        for e in cls.ranking:
            assert e.point.dispatch == cls.dispatch, (cls.key, e.point.name)
        if cls.key.startswith(("cpu_fine", "cpu_coarse", "cpu_real", "ipc_large")):
            assert cls.dispatch in ("map", "each") and f"(dispatch: {cls.dispatch})" in cls.label
    for row in basic.headline:
        for m, c in row.cells.items():
            if row.dispatch and c.status == "ok":
                assert all(f"/dispatch:{row.dispatch}/" in n for n in c.sources), (row.key, m)
    # procs' 1.7x at 1 us was handed the whole range (map); with one task at a time it made
    # 0.05x. Ranked together, procs would win fine-grained CPU with each.
    fine_each = next(c for c in basic.best_for if c.key == "cpu_fine_each")
    assert _entry(fine_each, "procs").cell.text == "0.05×"


def _entry(cls, model_):
    return next(e for e in cls.ranking if e.model == model_)


def test_a_model_that_runs_one_dispatch_only_says_so(basic):
    assert cells(basic, "cpu_speedup_map")["thread_per_task"].text == "dispatch: each only"
    assert cells(basic, "cpu_speedup_each")["procs_coro"].text == "dispatch: map only"
    fine_map = next(c for c in basic.best_for if c.key == "cpu_fine_map")
    assert [(e.model, e.cell.text) for e in fine_map.absent] == [
        ("thread_per_task", "dispatch: each only")]


def test_guide_verdicts_and_plots_are_per_dispatch(basic):
    aspects = [(g.model, g.aspect) for g in basic.guide]
    for m in ("coro", "threads", "procs"):
        assert (m, "parallelism (dispatch: map)") in aspects
        assert (m, "parallelism (dispatch: each)") in aspects
    assert ("procs", "best for (dispatch: map)") in aspects
    assert ("procs", "overhead (dispatch: each)") in aspects
    for key in ("speedup_map", "speedup_each", "overhead_map", "overhead_each", "ipc_map",
                "ipc_each"):
        assert f"dispatch: {key.rsplit('_', 1)[1]}" in basic.titles[key], key
    for d in ("map", "each"):
        drawn = [pt.name for p in series.speedup_panels(basic.group, d) for ln in p.lines
                 for pt in ln.points]
        assert drawn and all(f"/dispatch:{d}/" in n for n in drawn)
        assert all(f"dispatch: {d}" in p.title for p in series.speedup_panels(basic.group, d))
        drawn = [pt.name for ln in series.overhead_panel(basic.group, d).lines for pt in ln.points]
        assert drawn and all(f"/dispatch:{d}/" in n for n in drawn)
        drawn = [pt.name for ln in series.ipc_panel(basic.group, d).lines for pt in ln.points]
        assert drawn and all(f"/dispatch:{d}/" in n for n in drawn)
    (nested,) = series.speedup_panels(basic.group, None)  # no dispatch: its own plot
    assert nested.title == "cpu.nested (sort)"


def test_a_file_without_dispatch_is_its_own_shape_never_mixed(tmp_path):
    old = "cpu.spin/procs/workers:2/grain_us:1000/real_time"  # from before names had dispatch

    def add_old(doc):
        e = dict(entry_of(doc, "cpu.spin/procs/workers:2/dispatch:map/grain_us:1000/real_time"))
        e.update(name=old, run_name=old, speedup=5.0, items_per_second=1e9)
        doc["benchmarks"].append(e)
    (g,) = model.group_runs(load.load_runs([str(edited(tmp_path, "basic.json", add_old))]))
    d = decide.decide(g)
    w = winners(d)
    assert w["cpu_coarse_map"] == {"threads", "tbb"} and w["cpu_coarse_each"] == {"threads"}
    assert w["cpu_coarse"] == {"procs"}  # alone in its shape, ranked with no other
    label = next(c.label for c in d.best_for if c.key == "cpu_coarse")
    assert label == "coarse CPU (dispatch unknown)"
    assert cells(d, "cpu_speedup")["procs"].text == "5.00×"
    assert cells(d, "cpu_speedup_map")["procs"].text == "1.80×"
    # And a file from before dispatch, alone, still loads and decides.
    (rg,) = group_of("repeated.json")
    assert {c.key for c in decide.decide(rg).best_for} == {"cpu_fine", "cpu_coarse"}


# ------------------------------------------------------------------------------ model kinds

def test_how_a_model_waits_comes_from_the_file():
    kinds = {"tbb": {"waits": "suspend"}, "tbb_blocking": {"waits": "blocking"},
             "coro": {"waits": "loop"}}
    ctx = {"concbench_model_kinds": kinds}
    assert [model.model_waits(ctx, m) for m in ("tbb", "tbb_blocking", "coro")] == [
        "suspend", "blocking", "loop"]
    assert model.check_model_kinds(ctx) is None
    # Files from before the key: the loops were the loops, tbb blocked.
    assert [model.model_waits({}, m) for m in ("coro_mt", "tbb", "threads")] == [
        "loop", "blocking", "blocking"]
    odd = model.check_model_kinds({"concbench_model_kinds": {"tbb": {"waits": "fiber"}}})
    assert "tbb: 'fiber'" in odd and "loop, suspend, blocking" in odd


def test_a_model_that_suspends_its_waits_holds_c_in_flight(basic):
    checks = {c.name: c for c in basic.little}
    tbb = checks["io.sleep/tbb/workers:2/concurrency:100/latency_us:10000/real_time"]
    assert tbb.expected == 100 and tbb.ok  # suspended tasks: not min(C, 2 workers)
    blocking = checks["io.sleep/tbb_blocking/workers:10/concurrency:10/latency_us:10000/real_time"]
    assert blocking.expected == 10 and blocking.ok
    (panel,) = series.io_panels(basic.group)
    assert [ln.style for ln in panel.lines if ln.model == "tbb"] == ["main"]  # not queueing


# ------------------------------------------------------------------------------ saturated server

def test_a_saturated_echo_server_is_marked_and_decides_nothing(basic, written):
    echo = next(c for c in basic.best_for if c.key == "io_echo")
    assert echo.winners == ("coro",)  # procs measured 97 k/s, but measured the server
    (procs,) = [e for e in echo.absent if e.model == "procs"]
    assert procs.cell.status == "saturated" and "⊘" in procs.cell.text
    assert "not ranked" in procs.cell.note
    assert [p.name for p in basic.saturated] == [
        "io.echo/procs/workers:100/concurrency:100/latency_us:1000/real_time"]
    (panel,) = series.io_panels(basic.group, "io.echo")
    ringed = [pt.name for ln in panel.lines for pt in ln.points if pt.saturated]
    assert ringed == ["io.echo/procs/workers:100/concurrency:100/latency_us:1000/real_time"]
    assert "⊘ procs" in basic.titles["echo"]
    _, out = written
    md = (out / "report.md").read_text()
    assert "⊘ marks a point whose server was saturated" in md
    assert "**Server saturated** (⊘): 1 result(s)" in md and "| 390 ms |" in md
    html = (out / "report.html").read_text()
    assert 'id="saturated-note"' in html and "saturated-table" in html



# ------------------------------------------------------------------------------ machine floors

def decided(path):
    (g,) = model.group_runs(load.load_runs([str(path)]))
    return decide.decide(g)


def test_machine_floors_are_listed_from_the_context(basic):
    rows = {f.name: f for f in basic.floors}
    assert list(rows) == ["mutex_uncontended_us", "thread_switch_us", "process_switch_us",
                          "thread_create_join_us", "fork_small_us", "asio_post_us",
                          "coroutine_resume_us", "co_spawn_us", "tbb_task_us"]  # the file's order
    assert rows["thread_switch_us"].text == "1.5 µs" and rows["fork_small_us"].text == "150 µs"
    assert rows["mutex_uncontended_us"].text == "20 ns"
    assert rows["process_switch_us"].how.startswith("two processes ping-pong")
    # Which models each bounds comes from concbench_model_kinds[m].floor.
    assert rows["tbb_task_us"].models == ("tbb", "tbb_blocking")
    assert rows["process_switch_us"].models == ("procs", "procs_coro")
    assert rows["mutex_uncontended_us"].models == () and basic.floors_why == ""


def test_per_task_overhead_is_a_multiple_of_the_models_floor_per_dispatch(basic):
    m, e = cells(basic, "overhead_map"), cells(basic, "overhead_each")
    # Handed the whole range, a model hands over chunks: below one floor per task.
    assert m["procs"].text == "180 ns = 0.06× process_switch_us"
    assert m["tbb"].text == "50 ns = 1.2× tbb_task_us"
    # One task at a time: each pays at least its hand-over.
    assert e["procs"].text == "39 µs = 13× process_switch_us"
    assert e["coro"].text == "700 ns = 7× co_spawn_us"
    assert e["tbb"].text == "1.9 µs = 47× tbb_task_us"
    assert m["threads"].value == pytest.approx(0.33)  # the overhead itself, not the multiple
    assert all(f"/dispatch:{d}/" in c.sources[0] for d, row in (("map", m), ("each", e))
               for c in row.values() if c.status == "ok")
    how = {r.key: r.how for r in basic.headline}
    assert "machine floor" in how["overhead_each"] and "below 1×" in how["overhead_map"]
    # Every other place the overhead is shown says it too: the guide and the plot titles.
    over = next(g for g in basic.guide if g.aspect == "overhead (dispatch: each)")
    assert "procs 39 µs = 13× process_switch_us vs threads 1.2 µs = 0.8× thread_switch_us" in \
        over.measured.text
    assert "from 20 ns = 0.2× co_spawn_us (coro) to 330 ns = 0.22× thread_switch_us (threads)" \
        in basic.titles["overhead_map"]
    panel = series.overhead_panel(basic.group, "each")
    assert ("thread_switch_us", pytest.approx(1.5), ("threads",)) in panel.machine_floors
    assert {name for name, *_ in panel.machine_floors} == {
        "co_spawn_us", "thread_switch_us", "tbb_task_us", "process_switch_us",
        "thread_create_join_us"}


def test_the_floor_of_a_model_is_read_from_the_file(tmp_path):
    def edit(doc):
        doc["context"]["concbench_model_kinds"]["threads"]["floor"] = "asio_post_us"
        doc["context"]["concbench_floors"]["asio_post_us"]["value"] = 0.11
    d = decided(edited(tmp_path, "basic.json", edit))
    assert cells(d, "overhead_map")["threads"].text == "330 ns = 3× asio_post_us"
    assert next(f for f in d.floors if f.name == "asio_post_us").models == ("threads",)
    assert next(f for f in d.floors if f.name == "thread_switch_us").models == ()


def test_floors_absent_or_empty_are_said_never_a_crash(tmp_path, repeated):
    assert repeated.floors == [] and repeated.floors_why.startswith("This run predates")
    assert "×" not in cells(repeated, "overhead")["threads"].text

    def drop(doc):
        del doc["context"]["concbench_floors"]
    old = decided(edited(tmp_path, "basic.json", drop))
    assert old.floors == [] and "predates machine floors" in old.floors_why
    assert cells(old, "overhead_map")["threads"].text == "330 ns"
    assert "machine floor" not in next(r.how for r in old.headline if r.key == "overhead_map")
    assert series.overhead_panel(old.group, "map").machine_floors == []
    empty = decided(edited(tmp_path, "basic.json", _context(concbench_floors={})))
    assert empty.floors == [] and "concbench_floors is empty" in empty.floors_why
    md, _ = cli.build([str(edited(tmp_path, "basic.json", drop))], str(tmp_path / "out"))
    text = md.read_text()
    assert "## Machine floors" in text and "This run predates machine floors" in text


def test_a_floor_the_run_lacks_or_an_overhead_within_the_noise_has_no_multiple(tmp_path):
    def edit(doc):
        del doc["context"]["concbench_floors"]["process_switch_us"]
        entry_of(doc, "cpu.spin/tbb/workers:2/dispatch:map/grain_us:1/real_time")[
            "overhead_per_task_us"] = -0.01
    d = decided(edited(tmp_path, "basic.json", edit))
    procs = cells(d, "overhead_each")["procs"]
    assert procs.text == "39 µs" and "process_switch_us is not in this run's" in procs.note
    assert any("names process_switch_us as procs's floor" in g for g in d.gaps)
    tbb = cells(d, "overhead_map")["tbb"]
    assert tbb.text == "-10 ns" and "≤ 0, within the noise" in tbb.note


def test_a_schema_2_file_is_read(tmp_path):
    d = decided(edited(tmp_path, "basic.json", _context(concbench_schema=2)))
    assert cells(d, "overhead_each")["procs"].text == "39 µs = 13× process_switch_us"


def test_the_report_has_a_floors_table(written):
    _, out = written
    md = (out / "report.md").read_text()
    # The verdicts first, the evidence after, every table in the appendix.
    assert md.index("## The answer") < md.index("## The guide's") < md.index("## Appendix") \
        < md.index("### Headline") < md.index("### Machine floors")
    assert ("| `thread_switch_us` | 1.5 µs | two threads ping-pong one byte over two pipes: half "
            "a round trip | `threads` |") in md
    assert "| `tbb_task_us` | 40 ns | task_group::run of an empty task in a one-thread arena | " \
        "`tbb`, `tbb_blocking` |" in md
    assert "| `mutex_uncontended_us` | 20 ns | std::mutex lock + unlock, one thread | — |" in md
    assert "39 µs = 13× process_switch_us" in md


def test_guide_claims_get_verdicts_from_the_data(basic):
    kinds = {(g.model, g.aspect): g.kind for g in basic.guide}
    assert kinds == {
        ("coro", "concurrency"): "holds", ("coro", "parallelism (dispatch: map)"): "holds",
        ("coro", "parallelism (dispatch: each)"): "holds", ("coro", "best for"): "holds",
        ("threads", "concurrency"): "holds",
        ("threads", "parallelism (dispatch: map)"): "differs",
        ("threads", "parallelism (dispatch: each)"): "differs",
        ("threads", "best for"): "holds",
        ("procs", "concurrency"): "partly", ("procs", "parallelism (dispatch: map)"): "holds",
        ("procs", "parallelism (dispatch: each)"): "holds",
        ("procs", "best for (dispatch: map)"): "partly",
        ("procs", "best for (dispatch: each)"): "partly",
        # Handed the whole range, procs sends chunks: dear only for data. One at a time: both.
        ("procs", "overhead (dispatch: map)"): "partly",
        ("procs", "overhead (dispatch: each)"): "holds",
    }
    gil = next(g for g in basic.guide
               if g.aspect == "parallelism (dispatch: map)" and g.model == "threads")
    assert "no GIL" in gil.verdict and "1.99×" in gil.verdict
    chunks = next(g for g in basic.guide if g.aspect == "overhead (dispatch: map)")
    assert "chunks" in chunks.verdict


def test_littles_law_flags_only_the_violations(basic):
    bad = {c.name: round(c.ratio, 2) for c in basic.little if not c.ok}
    assert bad == {"io.sleep/coro/concurrency:1/latency_us:10000/real_time": 1.5,  # too many
                   "io.sleep/procs/workers:100/concurrency:100/latency_us:10000/real_time": 0.42}
    queue = next(c for c in basic.little if c.name.startswith("io.sleep/threads/workers:2/"))
    assert queue.expected == 2 and queue.ok  # blocking, 2 workers: 2 in flight, 98 queued
    assert len([c for c in basic.little if c.name.startswith("io.echo/")]) == 6
    assert [m for m, *_ in decide.little_summary(basic.little)] == ["procs"]


def test_results_beyond_the_physical_limit_are_flagged(basic):
    assert [p.name for p in basic.beyond] == ["io.sleep/coro/concurrency:1/latency_us:10000/real_time"]


def test_errors_and_skips_are_listed_never_plotted(basic):
    listed = {name: kind for name, kind, _ in basic.problems}
    assert listed == {
        "cpu.spin/procs/workers:2/dispatch:map/grain_us:10/real_time": "error",
        "io.sleep/tbb_blocking/workers:1000/concurrency:1000/latency_us:10000/real_time": "skipped",
        "BM_legacy/8": "unreadable name",
        "cpu.spin/tbb/workers:2/dispatch:chunked/grain_us:1/real_time": "unreadable name"}
    (panel,) = series.io_panels(basic.group)
    tbb = [pt.x for ln in panel.lines if ln.model == "tbb_blocking" for pt in ln.points]
    assert 1000 not in tbb and ("tbb_blocking", 1000) in [(m, x) for m, x, _ in panel.missing]
    drawn = {pt.name for d in ("map", "each") for p in series.speedup_panels(basic.group, d)
             for ln in p.lines for pt in ln.points}
    assert not any("grain_us:10/" in n for n in drawn)


def test_several_hosts_are_compared_side_by_side(tmp_path):
    groups = group_of("basic.json", "repeated.json", "other_host.json")
    assert [(g.label, g.key) for g in groups] == [
        ("A", ("alpha", "r1", 2)), ("B", ("alpha", "r2", 2)), ("C", ("beta", "r1", 4))]
    (merged,) = group_of("basic.json", "basic.json")  # one host and build: one group
    assert all(p.n == 2 for p in merged.points if p.ok)
    md, html = cli.build([str(FIX / n) for n in ("basic.json", "other_host.json")], str(tmp_path))
    text = md.read_text()
    assert "**Run A**" in text and "**Run B**" in text
    assert "| winner (A) | decided by (A) | winner (B) | decided by (B) |" in text
    assert "**Highest I/O concurrency at efficiency ≥ 0.9** (A)" in text
    assert "**Highest I/O concurrency at efficiency ≥ 0.9** (B)" in text
    for key in ("io_throughput", "speedup"):
        assert (tmp_path / f"A-{key}.png").exists() and (tmp_path / f"B-{key}.svg").exists()
    # B's names have no dispatch: its CPU rows are its own, never beside A's map or each.
    assert "**CPU speedup with all 2 cores (dispatch: map)** (A)" in text
    assert "**CPU speedup with all 4 cores (dispatch unknown)** (B)" in text
    assert "(dispatch: map)** (B)" not in text and "(dispatch unknown)** (A)" not in text
    assert (tmp_path / "A-speedup_map.png").exists()
    assert not (tmp_path / "B-speedup_map.png").exists()
    # Floors per run: A measured them, B's file predates them.
    assert "**Run B**\n\nThis run predates machine floors" in text
    assert "| `thread_switch_us` | 1.5 µs |" in text


# ------------------------------------------------------------------------------ the command

def test_the_command_writes_markdown_html_and_every_plot(written):
    r, out = written
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(out / "report.md"), str(out / "report.html")]
    assert "BM_legacy/8" in r.stderr  # the unreadable name is a warning, not a failure
    assert "'dispatch:chunked': dispatch is each" in r.stderr
    for key in PLOTS:
        assert (out / f"{key}.png").stat().st_size > 1000
        assert (out / f"{key}.svg").read_text().lstrip().startswith("<?xml")
    md = (out / "report.md").read_text()
    for heading in ("## Which model for my workload?", "## Headline: one column per model",
                    "## The guide's table, measured", "## Can these numbers be trusted?"):
        assert heading in md
    assert ("| | `coro` | `threads` | `tbb` | `tbb_blocking` | `procs` | `procs_coro` | "
            "`thread_per_task` |") in md
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defined = set(re.findall(r"^\[\^(\d+)\]: ", md, re.M))
    assert refs and refs == defined
    assert "checksum 41 != expected 42" in md and "pid limit allows 500" in md
    assert "More in flight than the concurrency allows" in md and "1 result(s) above 1 + 5 %" in md
    for key in PLOTS:
        assert f"]({key}.png)" in md


def test_every_table_header_cell_says_what_it_heads(written):
    """Screen readers announce a cell with its headers only when each <th> says whether it
    heads a column or a row (WCAG technique H63, html-validate's wcag/h63)."""
    from html.parser import HTMLParser

    class Headers(HTMLParser):
        def __init__(self):
            super().__init__()
            self.scopes, self.section = [], None

        def handle_starttag(self, tag, attrs):
            if tag in ("thead", "tbody"):
                self.section = tag
            elif tag == "th":
                self.scopes.append((self.section, dict(attrs).get("scope")))

    p = Headers()
    p.feed((written[1] / "report.html").read_text())
    assert p.scopes
    assert {scope for section, scope in p.scopes if section == "thead"} == {"col"}
    assert {scope for section, scope in p.scopes if section != "thead"} <= {"row"}



def test_the_html_prose_reads_as_prose(tmp_path):
    """A template line that ends in a block tag loses its newline (trim_blocks): the next line's
    first word is then glued to the last ("measured)of each other"). The scenarios' answers are
    written in Markdown for both reports: the HTML shows their `code` as code, not backticks."""
    import re
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            self.hidden += tag in ("style", "script", "svg")

        def handle_endtag(self, tag):
            self.hidden -= tag in ("style", "script", "svg")

        def handle_data(self, data):
            if not self.hidden:
                self.parts.append(data)

    r = subprocess.run([str(REPORT), str(FIX / "services.json"), "-o", str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "report.html").read_text()
    t = Text()
    t.feed(html)
    text = "".join(t.parts)
    assert "of each other (single runs: no spread measured) tie" in text
    assert re.findall(r".{30}[a-z0-9)][.,;:)](?:of|and|the|with|for|to|in)\b", text) == []
    assert "`coro`" in (tmp_path / "report.md").read_text()  # the same answers, in Markdown
    assert re.findall(r".{0,30}`.{0,30}", text) == []
    assert re.search(r'<ul class="answer">\n<li>[^\n]*<code>coro</code>', html)


def test_every_model_has_its_own_colour_and_marker(binary):
    """The db plot drew py_uvloop and py_threads in one cyan with one marker (a hashed spare
    colour): every model the binary and the Python arm declare, and one neither has heard of,
    is told apart, each in the style its file gives it."""
    cpp = _binary_context(binary)
    py = {"concbench_model_kinds": _python_kinds()}
    merged = model.merged_context(cpp, py)
    merged["concbench_model_kinds"]["made_up"] = {"waits": "loop"}   # declares no style
    st = model.styles(merged, ["also_made_up"])
    models = model.order_models(set(st), merged)
    assert models[:3] == ["coro", "threads", "tbb"] and models[-2:] == ["made_up", "also_made_up"]
    colours = [st[m].colour for m in models]
    markers = [st[m].marker for m in models if m not in ("wrk", "pgbench")]
    assert len(set(colours) - {"#000000"}) == len(colours) - 2  # the two peers are black
    assert len(set(markers)) == len(markers)
    for m, k in cpp["concbench_model_kinds"].items():
        assert st[m].colour == k["style"]["colour"] and st[m].marker == k["style"]["marker"]

def _binary_context(binary):
    """The context the binary writes (one tiny benchmark run into a file)."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        out = pathlib.Path(d, "r.json")
        r = subprocess.run([str(binary), "--benchmark_filter=^start/coro/", "--out", str(out),
                            "--progress", "never"], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        return json.loads(out.read_text())["context"]


def _python_kinds():
    sys.path.insert(0, str(ROOT / "bench" / "python"))
    try:
        from concbench_py import models as pymodels
    finally:
        sys.path.pop(0)
    return {m: dict(k) for m, k in pymodels.KINDS.items()}


BAD = [
    (["not_json.json"], "not_json.json: expected a JSON results file", "not JSON"),
    (["not_concbench.json"], "expected a concbench run", "without concbench_schema"),
    (["no_benchmarks.json"], "expected a run with at least one benchmark", "empty 'benchmarks'"),
    (["schema3.json"], "expected concbench_schema 1 or 2", "schema 3"),
    (["basic.json", "schema3.json"], "expected one concbench_schema version", "schema 3 in"),
    (["missing.json"], "missing.json: expected a results file", "no such file"),
]


@pytest.mark.parametrize("names, expected, found", BAD, ids=[b[0][-1] for b in BAD[:-2]] +
                         ["mixed-schemas", "missing-file"])
def test_bad_input_is_refused_with_exit_2(names, expected, found, tmp_path):
    r = subprocess.run([str(REPORT), *[str(FIX / n) for n in names], "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith("scripts/report: ")
    assert expected in r.stderr and found in r.stderr
    assert not (tmp_path / "out" / "report.md").exists()


BASIC_SPIN = "cpu.spin/threads/workers:2/dispatch:map/grain_us:1000/real_time"


def _set(name, **fields):
    def edit(doc):
        entry_of(doc, name).update(fields)
    return edit


def _context(**fields):
    def edit(doc):
        doc["context"].update(fields)
    return edit


def _replace_entry(i, value):
    def edit(doc):
        doc["benchmarks"][i] = value
    return edit


WRONG_TYPES = [
    ("time-a-string", _set(BASIC_SPIN, real_time="fast"),
     f"benchmark #9 '{BASIC_SPIN}': field 'real_time'", "expected a number", "found str 'fast'"),
    ("counter-a-string", _set(BASIC_SPIN, speedup="1.99"),
     f"'{BASIC_SPIN}': field 'speedup'", "expected a number (a concbench counter)",
     "found str '1.99'"),
    ("counter-a-list", _set(BASIC_SPIN, items_per_second=[1, 2]),
     f"'{BASIC_SPIN}': field 'items_per_second'", "expected a number", "found a list of 2"),
    ("iterations-a-string", _set(BASIC_SPIN, iterations="x"),
     f"'{BASIC_SPIN}': field 'iterations'", "expected an integer", "found str 'x'"),
    ("error-flag-a-string", _set(BASIC_SPIN, error_occurred="no"),
     f"'{BASIC_SPIN}': field 'error_occurred'", "expected true or false", "found str 'no'"),
    ("time-unit-unknown", _set(BASIC_SPIN, time_unit="fortnights"),
     f"'{BASIC_SPIN}': field 'time_unit'", "expected one of ns, us, ms, s",
     "found str 'fortnights'"),
    ("cores-a-string", _context(concbench_cores="2"),
     "context field 'concbench_cores'", "expected an integer of at least 1", "found str '2'"),
    ("counters-not-an-object", _context(concbench_counters=["speedup"]),
     "context field 'concbench_counters'", "expected an object", "found a list of 1"),
    ("entry-not-an-object", _replace_entry(3, [1, 2, 3]),
     "benchmark #3 to be an object with a 'name'", "expected", "found a list of 3"),
    ("floors-not-an-object", _context(concbench_floors=[1]),
     "context field 'concbench_floors'", "expected an object {floor:", "found a list of 1"),
    ("floor-value-a-string", _context(concbench_floors={"thread_switch_us": {
        "value": "fast", "unit": "us", "how": "ping-pong"}}),
     "context field 'concbench_floors'", "\"value\": number", "thread_switch_us"),
]


@pytest.mark.parametrize("edit, where, expected, found", [w[1:] for w in WRONG_TYPES],
                         ids=[w[0] for w in WRONG_TYPES])
def test_a_field_of_the_wrong_type_is_refused_naming_it(edit, where, expected, found, tmp_path):
    path = edited(tmp_path, "basic.json", edit)
    r = subprocess.run([str(REPORT), str(path), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith(f"scripts/report: {path}: "), r.stderr
    for part in (where, expected, found):
        assert part in r.stderr, (part, r.stderr)
    assert "Traceback" not in r.stderr and not (tmp_path / "out" / "report.md").exists()


def test_null_counters_are_numbers(tmp_path):
    """Google Benchmark writes a NaN (the cv of a counter that is always 0) as null."""
    path = edited(tmp_path, "basic.json", _set(BASIC_SPIN, ctx_voluntary=None))
    assert load.load_runs([str(path)])


def hide_module(tmp_path, module):
    """An environment in which /usr/bin/python3 cannot import `module` (a sitecustomize.py
    on PYTHONPATH puts None in sys.modules, as a missing package would fail)."""
    site = tmp_path / f"without-{module}"
    site.mkdir()
    (site / "sitecustomize.py").write_text(f"import sys\nsys.modules[{module!r}] = None\n")
    return dict(os.environ, PYTHONPATH=str(site))


@pytest.mark.parametrize("module", ["numpy", "matplotlib", "jinja2"])
def test_a_missing_library_is_exit_2_with_its_fix(module, tmp_path):
    r = subprocess.run([str(REPORT), str(FIX / "basic.json"), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=60,
                       env=hide_module(tmp_path, module))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith(f"scripts/report: the Python module {module} is missing")
    assert "./scripts/setup" in r.stderr
    assert f"sudo apt-get install --no-remove python3-{module}" in r.stderr
    assert r.stdout == ""


def test_an_output_folder_that_cannot_be_written_is_refused(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for out, found in ((afile, "found a file"), (afile / "sub", "found Not a directory")):
        r = subprocess.run([str(REPORT), str(FIX / "basic.json"), "-o", str(out)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2
        assert f"-o {out}: expected a folder" in r.stderr and found in r.stderr


def test_ctrl_c_is_exit_130_with_a_message_not_a_traceback(tmp_path):
    reference = ROOT / "results" / "reference" / "full.json"  # 900 benchmarks: seconds of plots
    out = tmp_path / "out"
    p = subprocess.Popen([str(REPORT), str(reference), "-o", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.exists() and any(out.glob("*.png"))):
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)  # as Ctrl-C at a terminal
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "scripts/report: interrupted" in err


def test_a_disk_that_fills_while_writing_is_exit_74_not_a_traceback(tmp_path):
    """The folder is writable, then a write fails (a full disk; here a file size limit, which
    fails writes the same way: Python ignores SIGXFSZ)."""
    import resource
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    r = subprocess.run([str(REPORT), str(FIX / "basic.json"), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=120, preexec_fn=limit)
    assert r.returncode == 74, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert f"scripts/report: cannot write the report in {tmp_path / 'out'}: File too large" in r.stderr


@pytest.mark.parametrize("args, message", [
    ([], "the following arguments are required"),
    (["--tolerance", "2", "x.json"], "expected a fraction"),
    (["--nope", "x.json"], "unrecognized arguments"),
])
def test_usage_errors_exit_2(args, message):
    r = subprocess.run([str(REPORT), *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and message in r.stderr and "usage: scripts/report" in r.stderr


# ------------------------------------------------------------------------------ the browser

LOAD_CHECK = """<script>window.addEventListener("load", () => {
  const ok = [...document.images].filter(i => i.complete && i.naturalWidth > 0).length;
  document.body.setAttribute("data-images-ok", ok);
});</script>"""


def chromium(html, tmp_path):
    """(dom, console lines) of `html` opened in headless Chromium (Debian's package)."""
    exe = shutil.which("chromium")
    assert exe, "no chromium: scripts/setup installs it (apt-get install --no-remove chromium)"
    page = tmp_path / "page.html"
    page.write_text(html.replace("</body>", LOAD_CHECK + "</body>"), encoding="utf-8")
    r = subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=90, env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout, [ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln]


def test_the_console_check_sees_errors(tmp_path):
    dom, console = chromium('<html><body><script>console.error("boom")</script></body></html>',
                            tmp_path)
    assert any("boom" in ln for ln in console) and 'data-images-ok="0"' in dom


def test_html_opens_in_chromium_with_the_tables_and_every_image(written, tmp_path):
    _, out = written
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html  # self-contained
    dom, console = chromium(html, tmp_path)
    assert console == []
    for table in ("verdicts-A", "questions-A", "headline-table", "floors-table-A", "guide-table"):
        assert f'id="{table}"' in dom
    imgs = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"', dom)
    assert len(imgs) == len(PLOTS)
    assert f'data-images-ok="{len(PLOTS)}"' in dom
    assert "io.sleep/coro/concurrency:1000/latency_us:10000/real_time" in dom


# ------------------------------------------------------------------------------ real services

def service_claims(path, key):
    """The answer's sentences of section `key` (db, http) for the run in `path`."""
    (g,) = model.group_runs(load.load_runs([str(path)]))
    section = next(s for s in decide.decide(g).scenarios if s.key == key)
    return [c.text for c in section.answer]


def test_client_cpu_compares_coro_with_the_one_thread_peer_of_the_same_point(tmp_path):
    """services.json: a quick run of db (pk, C = 16) and http (C = 16, no delay) on `coro`
    and their one-thread peers, recorded by concbench."""
    doc = json.loads((FIX / "services.json").read_text())
    for key, mine, peer, counter in (
            ("db", "db/coro/query:pk/concurrency:16/real_time",
             "db.peer/pgbench/workers:1/query:pk/concurrency:16/real_time", "pgbench_cpu_per_tx_us"),
            ("http", "http/coro/concurrency:16/delay_us:0/body_bytes:1024/real_time",
             "http.peer/wrk/workers:1/concurrency:16/delay_us:0/body_bytes:1024/real_time",
             "wrk_cpu_per_request_us")):
        ratio = entry_of(doc, peer)[counter] / entry_of(doc, mine)["cpu_per_item_us"]
        said = [t for t in service_claims(FIX / "services.json", key) if t.startswith("Client CPU per")]
        assert len(said) == 1 and f"about {ratio:.2g}×" in said[0], said
        # Without the peer's figure (an older run), nothing is said, rather than a guess.
        path = edited(tmp_path, "services.json", lambda d: entry_of(d, peer).pop(counter))
        assert not [t for t in service_claims(path, key) if t.startswith("Client CPU per")]


def test_half_capacity_says_when_pgbench_fell_behind(tmp_path):
    def at_20000(doc, unfinished):
        """coro carries 20,000/s too (a copy of its 10,000/s point): 10,000/s is half of it."""
        p = json.loads(json.dumps(entry_of(doc, "db/coro/query:pk/concurrency:16/rate:10000/real_time")))
        p["name"] = p["run_name"] = "db/coro/query:pk/concurrency:16/rate:20000/real_time"
        doc["benchmarks"].append(p)
        entry_of(doc, "db.peer/pgbench/workers:1/query:pk/concurrency:16/rate:10000/real_time")[
            "pgbench_unfinished"] = unfinished
    calm = service_claims(edited(tmp_path, "services.json", lambda d: at_20000(d, 0)), "db")
    half = [t for t in calm if t.startswith("At 10,000 queries/s, at most half")]
    assert len(half) == 1 and "fell behind" not in half[0], calm
    behind = service_claims(edited(tmp_path, "services.json", lambda d: at_20000(d, 700)), "db")
    half = [t for t in behind if t.startswith("At 10,000 queries/s, at most half")]
    assert len(half) == 1 and "about 700 of its transactions never ran" in half[0], behind
    # pgbench -R's own capacity beside the clients': a rate it fell behind at is over the target.
    assert any("pgbench -R's on the same server: -j 1 10,000/s (the highest rate run)" in t for t in calm), calm
    assert any("pgbench -R's on the same server: -j 1 none" in t for t in behind), behind
    assert "pgbench -S -R itself" not in half[0]  # this run has no such point

    def with_builtin(doc):
        """pgbench -S -R itself at the same rate: a copy of the custom script's point, p99 doubled."""
        at_20000(doc, 0)
        q = json.loads(json.dumps(entry_of(doc, "db.peer/pgbench/workers:1/query:pk/concurrency:16/rate:10000/real_time")))
        q["name"] = q["run_name"] = "db.peer/pgbench/workers:1/query:builtin/concurrency:16/rate:10000/real_time"
        q["pgbench_lat_p99_us"] *= 2
        doc["benchmarks"].append(q)
        return q
    doc = json.loads((FIX / "services.json").read_text())
    mine = entry_of(doc, "db/coro/query:pk/concurrency:16/rate:10000/real_time")["lat_p99_us"]
    q = with_builtin(doc)
    both = service_claims(edited(tmp_path, "services.json", with_builtin), "db")
    half = [t for t in both if t.startswith("At 10,000 queries/s, at most half")]
    assert len(half) == 1 and "against pgbench -S -R itself" in half[0], both
    assert f"{mine / q['pgbench_lat_p99_us']:.2f}×" in half[0].split("pgbench -S -R itself")[1], half[0]


def service_section(path, key):
    (g,) = model.group_runs(load.load_runs([str(path)]))
    return g, next(s for s in decide.decide(g).scenarios if s.key == key)


def test_the_server_side_per_operation_and_the_connections_it_held(tmp_path):
    """services-2.json: the same points as services.json, from a run that also records the
    server's CPU per operation, the connections on its port, and the servers and load tools."""
    from concbench_report import render
    for key, unit in (("db", "query"), ("http", "request")):
        g, sec = service_section(FIX / "services-2.json", key)
        closed = [c.text for c in sec.answer if c.text.startswith("Closed loop")]
        assert len(closed) == 1 and f"of server CPU per {unit} over 16 connections) on `coro`" in closed[0]
        assert {"server_cpu_s", "server_cpu_per_item_us", "connections"} <= {c for c, _ in sec.columns}
        servers = render.run_info(g)["servers"]
        assert "PostgreSQL: throwaway" in servers and "pgbench (PostgreSQL) " in servers
        assert "HTTP server: embedded" in servers and "wrk " in servers and "Copyright" not in servers
        # An older run has neither: its claim says nothing of them, its table keeps server_cpu_s.
        g, sec = service_section(FIX / "services.json", key)
        closed = [c.text for c in sec.answer if c.text.startswith("Closed loop")]
        assert len(closed) == 1 and "server CPU" not in closed[0]
        cols = {c for c, _ in sec.columns}
        assert "server_cpu_s" in cols and "connections" not in cols
        assert render.run_info(g)["servers"].startswith("PostgreSQL: throwaway (a cluster")
    # A run without db names no PostgreSQL.
    path = edited(tmp_path, "services-2.json", lambda d: d.update(
        benchmarks=[b for b in d["benchmarks"] if b["name"].startswith("http")]))
    (g,) = model.group_runs(load.load_runs([str(path)]))
    assert render.run_info(g)["servers"].startswith("HTTP server: embedded")


def test_a_model_and_a_scenario_the_scripts_never_heard_of_are_drawn_and_answered(tmp_path):
    """Everything the report knows of a model or a scenario comes from the file: a made-up
    model with its own style in concbench_model_kinds is a column, a line in its own colour
    and a row of the verdicts; a made-up scenario gets a section with its question and a
    verdict ranking its models."""
    run = json.loads((FIX / "basic.json").read_text())
    ctx = run["context"]
    renamed = []
    for b in run["benchmarks"]:
        if "/procs_coro/" in b["name"]:
            for k in ("name", "run_name"):
                if k in b:
                    b[k] = b[k].replace("/procs_coro/", "/made_up_model/")
            renamed.append(b["name"])
    assert renamed
    kinds = ctx["concbench_model_kinds"]
    kinds["made_up_model"] = dict(kinds.pop("procs_coro"), order=50,
                                  style={"colour": "#123456", "marker": "H", "line": "dotted"})
    ctx["concbench_models"] = [m if m != "procs_coro" else "made_up_model" for m in ctx["concbench_models"]]
    ctx["concbench_scenarios"] = {"made.up": {"question": "Does a question nobody wrote an answer for get one?",
                                              "figures": ["items_per_second"]}}
    ctx["concbench_workloads"].append("made.up")
    base = dict(run["benchmarks"][0])
    for model_, ips in (("coro", 1000.0), ("threads", 2000.0)):
        name = f"made.up/{model_}/tasks:10/real_time"
        run["benchmarks"].append(dict(base, name=name, run_name=name, items_per_second=ips,
                                      real_time=10.0 / ips * 1e3, time_unit="ms"))
    src = tmp_path / "made_up.json"
    src.write_text(json.dumps(run))
    out = tmp_path / "out"
    r = subprocess.run([str(REPORT), str(src), "-o", str(out)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    html = (out / "report.html").read_text()
    assert '<th scope="col" class="col-model">made_up_model</th>' in html
    assert "Does a question nobody wrote an answer for get one?" in html
    verdicts = html.split('id="questions-A"')[1].split("</table>")[0]
    assert "made.up" in verdicts and "<code>threads</code>" in verdicts and "+100 %" in verdicts
    drawn = [f for f in out.glob("*.svg") if "#123456" in f.read_text()]
    assert drawn, "the made-up model's own colour is in no plot"


def test_the_guides_models_are_the_ones_the_file_says_stand_for_its_approaches(tmp_path):
    """Which model answers for asyncio, threading and multiprocessing is each kind's own
    "stands_for": renamed and declared so, `coro`'s points answer the asyncio rows under their
    new name and its units are named by their kind's "unit"; a file that declares it for no
    model gets no row for that approach, never a hand-picked one."""
    def rename(d, old, new, **facts):
        for b in d["benchmarks"]:
            for k in ("name", "run_name"):
                if k in b:
                    b[k] = b[k].replace(f"/{old}/", f"/{new}/")
        kinds = d["context"]["concbench_model_kinds"]
        kinds[new] = dict(kinds.pop(old), **facts)
        d["context"]["concbench_models"] = [new if m == old else m for m in d["context"]["concbench_models"]]

    def declare(d):
        rename(d, "coro", "my_loop", stands_for="asyncio", unit="a made-up unit")
        for m, k in d["context"]["concbench_model_kinds"].items():
            k.setdefault("stands_for", {"threads": "threading"}.get(m, ""))

    (g,) = model.group_runs(load.load_runs([str(edited(tmp_path, "basic.json", declare))]))
    assert (g.stands_for("asyncio"), g.stands_for("threading"), g.stands_for("multiprocessing")) == \
        ("my_loop", "threads", None)
    rows = decide.decide(g).guide
    assert {r.approach for r in rows} == {"async (asyncio)", "threading"}
    assert {r.model for r in rows if r.approach == "async (asyncio)"} == {"my_loop"}
    assert any("my_loop" in r.measured.text or r.measured.sources for r in rows
               if r.approach == "async (asyncio)")


LAYOUT_CHECK = """<script>window.addEventListener("load", () => {
  const b = document.body;
  for (const d of document.querySelectorAll("details")) d.open = true;  // the appendix too
  b.setAttribute("data-overflow", document.documentElement.scrollWidth - window.innerWidth);
  const wide = [...document.querySelectorAll(".scroll")].filter(s => s.scrollWidth > s.clientWidth + 1);
  const loose = wide.filter(s => { const c = s.querySelector("tbody th, tbody td");
    return !c || getComputedStyle(c).position !== "sticky"; });
  b.setAttribute("data-wide", wide.length);
  b.setAttribute("data-loose", loose.map(s => (s.querySelector("table") || {}).id || "?").join(","));
  const v = document.querySelector("table.questions");
  b.setAttribute("data-verdicts-bottom", v ? Math.round(v.getBoundingClientRect().bottom + window.scrollY) : -1);
});</script>"""


def test_the_page_never_scrolls_sideways_and_wide_tables_keep_their_first_column(tmp_path):
    """At 1400 px, every detail opened: the page is no wider than the window, a table wider
    than its box scrolls inside it with its first column in view, and the verdicts are on the
    first 900 px screen."""
    import shutil as sh
    src = tmp_path / "out"
    r = subprocess.run([str(REPORT), str(FIX / "services.json"), "-o", str(src)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    page = tmp_path / "page.html"
    page.write_text((src / "report.html").read_text().replace("</body>", LAYOUT_CHECK + "</body>"))
    exe = sh.which("chromium")
    assert exe, "no chromium: scripts/setup installs it"
    r = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,900",
                        "--dump-dom", page.as_uri()],
                       capture_output=True, text=True, timeout=120, env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr[-2000:]
    body = r.stdout.split("<body", 1)[1].split(">", 1)[0]
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', body))
    assert float(attrs["overflow"]) <= 0, attrs
    assert int(attrs["wide"]) > 0 and attrs["loose"] == "", attrs  # the headline is wide here
    assert 0 < float(attrs["verdicts-bottom"]) <= 900, attrs


def test_the_kernels_memory_per_unit_is_a_slope_over_the_counts(tmp_path):
    """spawn's kernel_mem_bytes (kernel stacks and page tables, which RSS misses): where a model
    ran two or more unit counts the report gives the regression's slope, not one difference;
    with one count it says so."""
    def with_spawn(doc):
        base = dict(doc["benchmarks"][0])
        for k in list(base):
            if k not in ("run_type", "repetitions", "repetition_index", "threads", "iterations",
                         "time_unit", "family_index", "per_family_instance_index"):
                base.pop(k)
        rows = [("thread_per_task", 100, 1.70e6), ("thread_per_task", 1000, 16.6e6),
                ("thread_per_task", 10000, 164.6e6), ("coro", 100, 0.0)]
        for m, units, kernel in rows:
            name = f"spawn/{m}/units:{units}/real_time"
            doc["benchmarks"].append(dict(base, name=name, run_name=name, real_time=10.0,
                                          kernel_mem_bytes=kernel, kernel_mem_per_unit_bytes=kernel / units,
                                          mem_per_unit_bytes=8192.0, unit_us=40.0))
        kinds = doc["context"]["concbench_model_kinds"]
        kinds["thread_per_task"] = dict(kinds.get("thread_per_task", {"waits": "blocking"}), unit="a thread")
        kinds["coro"] = dict(kinds["coro"], unit="a coroutine (co_spawn)")
    g, sec = service_section(edited(tmp_path, "basic.json", with_spawn), "spawn")
    (kernel,) = [c.text for c in sec.answer if c.text.startswith("The kernel's own memory")]
    # (164.6e6 - 1.70e6) / 9,900 units ≈ 16.45 KB a thread
    assert "16.1 KiB (a thread: the slope over 3 counts, 100 to 10,000 units)" in kernel, kernel
    assert "(a coroutine (co_spawn), at 100 units: one count, no slope)" in kernel, kernel
