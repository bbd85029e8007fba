"""concbench's report: result JSON files in, report.md + report.html + plots out.

    scripts/report results/latest.json [more.json ...] [-o results/report/]

load (load.py) -> group (model.py) -> decide (decide/, series.py) -> render (render.py,
plots.py, templates/). Each step is a pure function over plain data, tested on the fixture
JSON files in tests/fixtures/report/."""
