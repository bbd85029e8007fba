"""Render: the decisions of every run group, side by side, as GitHub-flavoured Markdown and as
one self-contained HTML page (plots inline as base64 PNG), from the Jinja2 templates in
templates/. Every number carries a reference to the benchmark it came from."""
import datetime
import pathlib
from dataclasses import dataclass, field

import jinja2
import markupsafe

from . import decide
from .model import UNSTABLE_CV, order_models
from .units import fmt, percent, sig

TEMPLATES = pathlib.Path(__file__).with_name("templates")
KIND_WORDS = {"holds": "holds", "partly": "partly", "differs": "differs", "unknown": "not measured"}


@dataclass
class Refs:
    """Numbered references to benchmarks, in the order the template first cites them."""
    sources: dict                                 # (group label, name) -> file
    order: list = field(default_factory=list)     # [(label, name)]
    index: dict = field(default_factory=dict)

    def __call__(self, label, cell):
        """[(number, name)] for the sources of `cell` in group `label`."""
        out = []
        for name in getattr(cell, "sources", ()) or ():
            key = (label, name)
            if key not in self.index:
                self.order.append(key)
                self.index[key] = len(self.order)
            out.append((self.index[key], name))
        return out

    def many(self, label, cells):
        """The references of several cells, each benchmark once."""
        return list(dict.fromkeys(r for c in cells for r in self(label, c)))

    def listing(self, several):
        return [(i + 1, label if several else "", name, self.sources.get((label, name), ""))
                for i, (label, name) in enumerate(self.order)]


def _servers(group):
    """The servers and the field's load tools a run's db and http figures came from."""
    c = group.context
    workloads = {p.workload.split(".")[0] for p in group.points}
    said = []
    if "db" in workloads and c.get("pg_server"):
        said.append(f"PostgreSQL: {c['pg_server']}")
        if c.get("pgbench_version"):
            said.append(c["pgbench_version"])
    if "http" in workloads and c.get("http_server"):
        said.append(f"HTTP server: {c['http_server']}")
        if c.get("wrk_version"):
            said.append(c["wrk_version"])
    return "; ".join(said)


def run_info(group):
    c = group.context
    return {
        "label": group.label, "host": group.host, "revision": group.revision, "cores": group.cores,
        "suite": ", ".join(dict.fromkeys(group.suites)), "date": ", ".join(dict.fromkeys(group.dates)),
        "files": group.files, "build": c.get("concbench_build_type", "?"),
        "compiler": c.get("compiler", "?"), "boost": c.get("boost_version", "?"),
        "onetbb": c.get("onetbb_version", "?"), "benchmark": c.get("benchmark_version", "?"),
        "mhz": c.get("mhz_per_cpu"), "num_cpus": c.get("num_cpus"),
        "benchmarks": len(group.points), "failed": sum(1 for p in group.points if not p.ok),
        "repeated": group.repeated,
        "reps": max((p.n for p in group.points if p.ok), default=1),
        "servers": _servers(group),
    }


def little_row(c):
    return {"name": c.name, "model": c.model, "expected": sig(c.expected),
            "measured": sig(c.measured), "ratio": f"{c.ratio:.2f}", "why": decide.little_reason(c)}


def _union(lists, key):
    seen = {}
    for items in lists:
        for item in items:
            seen.setdefault(key(item), item)
    return list(seen)


def view(all_decisions, plots, scenario_plots=None):
    """The plain data both templates render. `plots`: {group label: [PlotInfo]};
    `scenario_plots`: {group label: {workload: PlotInfo}}, shown in the scenarios' sections."""
    scenario_plots = scenario_plots or {}
    groups = [d.group for d in all_decisions]
    several = len(groups) > 1
    models = order_models({m for g in groups for m in g.models}, groups[0].context)
    by_label = {d.group.label: d for d in all_decisions}

    headline = []
    for key in _union([d.headline for d in all_decisions], lambda r: r.key):
        rows = []
        for d in all_decisions:
            row = next((r for r in d.headline if r.key == key), None)
            if row is not None:
                rows.append({"label": d.group.label, "row": row})
        headline.append({"key": key, "label": rows[0]["row"].label, "how": rows[0]["row"].how,
                         "per_group": rows})

    classes = []
    for key in _union([d.best_for for d in all_decisions], lambda c: c.key):
        per = []
        for d in all_decisions:
            cls = next((c for c in d.best_for if c.key == key), None)
            per.append({"label": d.group.label, "cls": cls})
        first = next(p["cls"] for p in per if p["cls"] is not None)
        classes.append({"key": key, "label": first.label, "per_group": per})

    # Guide rows by what they say (model, aspect with its dispatch, claim), not by position:
    # groups of different files may have different dispatches, hence different rows.
    # A claim's Python row (the Python arm's model, where a run has it) sits beside its C++ row.
    guide = []
    cpp_rows = [[r for r in d.guide if r.language == "C++"] for d in all_decisions]
    for key in _union(cpp_rows, lambda r: r.key):
        per = []
        for d, mine in zip(all_decisions, cpp_rows):
            row = next((r for r in mine if r.key == key), None)
            py = next((r for r in d.guide if r.language == "Python" and row is not None
                       and r.claim_key == row.claim_key), None)
            per.append({"label": d.group.label, "row": row, "py": py})
        approach, model, aspect, claim = key
        py_model = next((p["py"].model for p in per if p["py"] is not None), None)
        guide.append({"approach": approach, "model": model, "aspect": aspect, "claim": claim,
                      "py_model": py_model, "per_group": per})
    has_python = any(g["py_model"] for g in guide)

    plot_keys = _union([plots.get(g.label, []) for g in groups], lambda p: p.key)
    plot_rows = []
    for key in plot_keys:
        per = [{"label": g.label, "plot": next((p for p in plots.get(g.label, []) if p.key == key), None)}
               for g in groups]
        first = next(p["plot"] for p in per if p["plot"] is not None)
        plot_rows.append({"key": key, "caption": first.caption, "per_group": per})

    trust = []
    for d in all_decisions:
        violations = [c for c in d.little if not c.ok]
        trust.append({
            "label": d.group.label, "repeated": d.group.repeated,
            "unstable": [{"name": p.name, "cv": percent(p.cv), "n": p.n,
                          "command": decide.remedy_command(p)} for p in d.unstable],
            "little_checked": len(d.little),
            "little": [little_row(c) for c in violations],
            "little_high": [little_row(c) for c in violations if c.ratio > 1],
            "little_low": [little_row(c) for c in violations if c.ratio < 1],
            "little_models": [{"model": m, "flagged": n, "checked": total, "worst": little_row(w)}
                              for m, n, total, w in decide.little_summary(d.little)],
            "problems": [{"name": n, "kind": k, "message": m} for n, k, m in d.problems],
            "beyond": [{"name": p.name, "efficiency": f"{p.v('efficiency'):.2f}"} for p in d.beyond],
            "gaps": d.gaps,
            "saturated": [{"name": p.name, "model": p.model,
                           "server_cpu": fmt(p.v("server_cpu_s"), d.group.unit("server_cpu_s")
                                             or "s")} for p in d.saturated],
        })

    floors = [{"label": d.group.label, "why": d.floors_why,
               "rows": [{"name": f.name, "value": f.text, "how": f.how, "models": f.models}
                        for f in d.floors]} for d in all_decisions]

    scenario_view = [{"label": d.group.label,
                      "sections": [{"sec": sec, "plot": scenario_plots.get(d.group.label, {}).get(sec.key)}
                                   for sec in d.scenarios]}
                     for d in all_decisions]

    sources = {}
    for g in groups:
        for p in g.points:
            sources[(g.label, p.name)] = p.source

    summary = []
    for d in all_decisions:
        items = []
        for c in d.best_for:
            if c.winners:
                items.append({"label": c.label, "winners": c.winners, "tie": c.tie})
        summary.append({"label": d.group.label, "items": items})

    return {
        "verdicts": verdict_view(all_decisions), "sections": core_sections(classes, plot_rows),
        "several": several, "runs": [run_info(g) for g in groups], "models": models,
        "headline": headline, "classes": classes, "guide": guide, "has_python": has_python, "plots": plot_rows,
        "scenarios": scenario_view,
        "trust": trust, "summary": summary, "by_label": by_label, "floors": floors,
        "tolerance": percent(all_decisions[0].tolerance),
        "unstable_cv": percent(UNSTABLE_CV), "little_tolerance": percent(decide.LITTLE_TOLERANCE),
        "beyond_tolerance": percent(decide.BEYOND_TOLERANCE),
        "remedy": decide.REMEDY, "efficient": decide.EFFICIENT, "kinds": KIND_WORDS,
        "saturated_mark": decide.SATURATED, "saturated_why": decide.SATURATED_WHY,
        "any_saturated": any(d.saturated for d in all_decisions),
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "_sources": sources,
    }


# The core matrix's sections (the guide's question 2), each with the classes it decides and the
# plots that show them: (anchor, title, class key prefixes, plot key prefixes). A plot or a
# class no section claims goes to "More measurements".
CORE_SECTIONS = (
    ("q-cpu", "CPU work: how close each model gets to every core", ("cpu",), ("speedup", "overhead")),
    ("q-io", "Waiting: operations in flight", ("io",), ("io_throughput", "latency", "memory", "echo")),
    ("q-mixed", "Waiting, then computing", ("mixed",), ("mixed",)),
    ("q-ipc", "Moving data to the workers", ("ipc",), ("ipc",)),
)


def core_sections(classes, plot_rows):
    """The core matrix's sections: [{anchor, title, classes, plots}], then one for what none
    claims."""
    out, taken_c, taken_p = [], set(), set()
    for anchor, title, cprefixes, pprefixes in CORE_SECTIONS:
        cs = [c for c in classes if c["key"].startswith(cprefixes)]
        ps = [p for p in plot_rows if p["key"].startswith(pprefixes)]
        taken_c |= {c["key"] for c in cs}
        taken_p |= {p["key"] for p in ps}
        if cs or ps:
            out.append({"anchor": anchor, "title": title, "classes": cs, "plots": ps})
    rest_c = [c for c in classes if c["key"] not in taken_c]
    rest_p = [p for p in plot_rows if p["key"] not in taken_p]
    if rest_c or rest_p:
        out.append({"anchor": "q-more", "title": "More measurements", "classes": rest_c, "plots": rest_p})
    return out


def verdict_view(all_decisions):
    """The first screen: per group, the classes' and the scenarios' verdicts."""
    return [{"label": d.group.label, "classes": d.verdicts, "questions": d.scenario_verdicts,
             "benchmarks": len(d.group.points),
             "failed": sum(1 for p in d.group.points if not p.ok),
             "unstable": len(d.unstable), "repeated": d.group.repeated}
            for d in all_decisions]


def md_cell(text):
    """Text safe inside a GitHub table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def inline_code(text):
    """Markdown's `code` spans as HTML's <code>, the rest escaped: the scenarios' answers are
    written once, for both reports."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick is a backtick
        parts[-2:] = ["`".join(parts[-2:])]
    return markupsafe.Markup("").join(
        markupsafe.Markup("<code>{}</code>").format(x) if i % 2 else markupsafe.escape(x)
        for i, x in enumerate(parts))


def _env(autoescape):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = md_cell
    env.filters["code"] = inline_code
    env.filters["sig"] = sig
    env.filters["pct"] = percent
    return env


def render_markdown(v):
    refs = Refs(v["_sources"])
    return _env(False).get_template("report.md.j2").render(v=v, refs=refs)


def render_html(v):
    refs = Refs(v["_sources"])
    return _env(True).get_template("report.html.j2").render(v=v, refs=refs)
