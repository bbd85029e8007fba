"""Every figure of both reference reports reads: no two texts overprint, none runs into another
panel or leaves the image, no label lies across a line, a title quotes only numbers the figure
draws, no log axis is handed a value <= 0, byte ticks sit on round values, and the latency plot
is small multiples. The figures are read as drawn, through plots.on_figure, with the checks of
concbench_report/plotcheck.py (tested here on figures made to fail them). No test checks a
time."""
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
REF = ROOT / "results" / "reference"
sys.path.insert(0, str(ROOT / "scripts"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from concbench_report import cli, load, model, plotcheck, plots  # noqa: E402

# The inputs of the committed reference reports (results/reference/report and report-quick).
REPORTS = {"full": ["full.json", "python-full.json"],
           "quick": ["quick-5reps.json", "python-quick.json"]}
# Every plot both reports have (the report draws one only where there is data for it).
EXPECTED = {"io_throughput", "echo", "speedup_map", "speedup_each", "speedup", "overhead_map",
            "overhead_each", "latency", "memory", "mixed", "ipc_map", "ipc_each",
            "scenario_loop.blocking", "scenario_spawn", "scenario_fanout", "scenario_errors",
            "scenario_file", "scenario_http", "scenario_db"}
BYTES = re.compile(r"^(-?[\d,]+(?:\.\d+)?) (B|KiB|MiB|GiB)(/s)?$")
SCALE = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


def read(key, fig):
    """What the tests need of one drawn figure, read before the report closes it."""
    found = plotcheck.texts(fig)
    out = {"overlaps": plotcheck.overlaps(fig, tight=plots.SAVE.get("bbox_inches") == "tight"),
           "on_lines": plotcheck.texts_on_lines(fig),
           "log": plotcheck.nonpositive_on_log(fig),
           "title": plotcheck.title(fig),
           "ticks": [t for where, _, t, _ in found if " tick" in where],
           "legend": [t for where, _, t, _ in found if where.endswith(" legend")],
           "lines": [sum(1 for ln in ax.get_lines() if len(ln.get_xydata()) > 1
                         and ln.get_linestyle() not in ("None", "none", "", " "))
                     for ax in fig.axes]}
    scale = plotcheck.y_scale_of(key)
    if scale is not None:
        out["title_numbers"] = plotcheck.title_numbers(fig, scale)
        out["quoted"] = [q for q in plotcheck.quantities(out["title"]) if q[3] == scale[1]]
    return out


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """{(report, plot key): read(figure)} for every figure of both reference reports, built as
    scripts/report builds them (about a minute)."""
    seen = {}
    before = plots.on_figure
    try:
        for name, inputs in REPORTS.items():
            out = tmp_path_factory.mktemp(f"r-{name}")
            def keep(key, fig, name=name):
                seen[(name, key)] = read(key, fig)
            plots.on_figure = keep
            cli.build([str(REF / f) for f in inputs], str(out))
            pngs = {p.stem for p in out.glob("*.png")}
            assert pngs == {k for r, k in seen if r == name}, "a figure was saved but not read"
    finally:
        plots.on_figure = before
    return seen


def each(figures, what):
    """'report/key: problem' for every problem of kind `what`."""
    return [f"{r}/{k}: {p}" for (r, k), f in sorted(figures.items()) for p in f.get(what, [])]


# ------------------------------------------------------------------------ the reference reports

def test_every_figure_of_both_reports_is_read(figures):
    for name in REPORTS:
        assert EXPECTED <= {k for r, k in figures if r == name}, name


def test_no_two_texts_overlap_none_runs_into_a_panel_or_leaves_the_figure(figures):
    problems = each(figures, "overlaps")
    assert not problems, "\n".join(problems)


def test_no_label_lies_across_a_line(figures):
    problems = each(figures, "on_lines")
    assert not problems, "\n".join(problems)


def test_no_log_axis_is_handed_a_value_at_or_below_zero(figures):
    problems = each(figures, "log")
    assert not problems, "\n".join(problems)


def test_the_titles_quote_only_what_the_figure_draws(figures):
    problems = each(figures, "title_numbers")
    assert not problems, "\n".join(problems)
    # Not vacuous: the memory and overhead titles of both reports quote sizes and times.
    for name in REPORTS:
        for key in ("memory", "overhead_map", "overhead_each"):
            f = figures[(name, key)]
            assert len(f["quoted"]) >= 2, (name, key, f["title"])


def test_an_overhead_within_the_noise_is_named_never_quoted(figures):
    for (name, key), f in figures.items():
        if key.startswith("overhead"):
            assert not any(q[1] <= 0 for q in plotcheck.quantities(f["title"])), f["title"]
    # The quick run's py_uvloop overhead with map is below the sequential reference.
    assert "py_uvloop is within the noise (≤ 0)" in figures[("quick", "overhead_map")]["title"]


def test_the_memory_title_says_which_points_it_speaks_of(figures):
    for name in REPORTS:
        t = figures[(name, "memory")]["title"]
        assert re.search(r"at C = [\d,]+: from ", t), t
    assert "(py_procs)" in figures[("quick", "memory")]["title"]   # the dearest drawn, 16 MiB


def test_byte_ticks_are_round(figures):
    """'1 KiB', '16 KiB', '0.5 GiB/s': a power of two, or under 1000 of its unit with at most
    two significant digits; never '9.77 KiB', '977 KiB' or '1,000 B'."""
    bad, seen = [], 0
    for (name, key), f in sorted(figures.items()):
        for label in f["ticks"]:
            m = BYTES.match(label)
            if not m:
                continue
            seen += 1
            number = float(m.group(1).replace(",", ""))
            value = number * SCALE[m.group(2)]
            power = value >= 1 and (int(value) & (int(value) - 1)) == 0 and value == int(value)
            digits = len(m.group(1).replace(",", "").replace(".", "").strip("0"))
            if not (power or (number < 1000 and digits <= 2)):
                bad.append(f"{name}/{key}: {label!r}")
    assert seen > 20 and not bad, "\n".join(bad)


def test_the_latency_plot_has_a_few_models_per_panel_and_every_model(figures):
    for name, inputs in REPORTS.items():
        f = figures[(name, "latency")]
        # p50 and p99 of at most 4 models, and the limit: at most 9 lines in a panel.
        assert f["lines"] and max(f["lines"]) <= 2 * plots.LATENCY_MODELS_PER_PANEL + 1, f["lines"]
        (g,) = model.group_runs(load.load_runs([str(REF / i) for i in inputs]))
        models = {p.model for p in g.select("io.sleep")}
        assert models <= set(f["legend"]), models - set(f["legend"])


# ----------------------------------------------------------------- the checks, made to fail

@pytest.fixture
def fig():
    figure, axes = plt.subplots(1, 2, figsize=(6, 3))
    yield figure
    plt.close(figure)


def test_the_check_sees_two_texts_overprint(fig):
    ax = fig.axes[0]
    ax.text(0.5, 0.5, "one label", transform=ax.transAxes)
    assert plotcheck.overlaps(fig) == []
    ax.text(0.52, 0.5, "another label", transform=ax.transAxes)
    (problem,) = plotcheck.overlaps(fig)
    assert "'one label' overlaps" in problem and "'another label'" in problem


def test_the_check_sees_tick_labels_run_into_each_other(fig):
    ax = fig.axes[0]
    ax.set_xticks(range(6), [f"a_long_model_name_{i}" for i in range(6)])
    problems = plotcheck.overlaps(fig)
    assert any("x tick" in p and "overlaps" in p for p in problems), problems


def test_the_check_sees_an_axis_label_in_the_next_panel(fig):
    fig.subplots_adjust(wspace=0.02)
    fig.axes[1].set_ylabel("a label of the right panel")
    assert any("runs into axes 0" in p for p in plotcheck.overlaps(fig))
    fig.tight_layout()
    assert plotcheck.overlaps(fig) == []


def test_the_check_sees_a_text_leave_the_figure(fig):
    fig.text(0.9, 0.5, "far too long to fit in what is left of the figure")
    assert any("leaves the figure" in p for p in plotcheck.overlaps(fig, tight=False))
    assert plotcheck.overlaps(fig, tight=True) == []   # bbox_inches='tight' makes room


def test_the_check_sees_a_label_across_a_line(fig):
    ax = fig.axes[0]
    ax.plot([0, 1], [0, 1])
    ax.text(0.3, 0.3, "on the line")
    assert plotcheck.texts_on_lines(fig)
    ax.texts[0].set_position((0.6, 0.1))
    assert plotcheck.texts_on_lines(fig) == []


def test_the_check_sees_bars_from_zero_on_a_log_axis(fig):
    ax = fig.axes[0]
    ax.bar([0, 1], [10, 100])
    ax.set_yscale("log")
    assert any("y = 0" in p for p in plotcheck.nonpositive_on_log(fig))
    ax.cla()
    ax.bar([0, 1], [9, 99], bottom=1)
    ax.axhline(5)
    ax.set_yscale("log")
    assert plotcheck.nonpositive_on_log(fig) == []


def test_the_check_sees_a_title_quote_what_is_not_drawn(fig):
    fig.axes[0].plot([1, 10], [0.152, 800])            # µs
    fig.suptitle("from 152 ns (a) to 800 µs (b), L = 10 ms")
    assert plotcheck.title_numbers(fig, (1e-6, "s")) == ["the title quotes '10 ms', which no "
                                                          "drawn value rounds to"]
    fig.suptitle("from -147 ns (a) to 800 µs (b)")
    assert plotcheck.title_numbers(fig, (1e-6, "s")) == ["the title quotes '-147 ns', which no "
                                                          "drawn value rounds to"]
    fig.suptitle("from 643 B to 8.16 KiB, L = 10 ms")  # sizes only: the wait is a parameter
    fig.axes[1].plot([1, 2], [643.4, 8360])
    assert plotcheck.title_numbers(fig, (1.0, "B")) == []
