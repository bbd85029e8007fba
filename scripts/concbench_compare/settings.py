"""What counts as a change: the significance level, the correction, the metrics, and the minimum
effect per metric and per benchmark name pattern, from flags and an optional config file.

A config file (JSON, or TOML when its name ends in .toml):

    alpha = 0.05
    correction = "holm"                 # holm | bh | none
    metrics = ["time", "cpu", "rss", "instructions"]
    min_effect = { time = "5%", cpu = "5%", rss = "5%", instructions = "1%" }   # or "5%"
    [[threshold]]                       # later rules win; flags come after the file's
    pattern = 'io\\.echo/'              # a regular expression searched in the name
    min_effect = "10%"                  # or { time = "10%", rss = "20%" }
"""
import json
import pathlib
import re
import tomllib
from dataclasses import dataclass, field

METRICS = ("time", "cpu", "rss", "instructions")
DEFAULT_MIN_EFFECT = {"time": 0.05, "cpu": 0.05, "rss": 0.05, "instructions": 0.01}
CORRECTIONS = ("holm", "bh", "none")


class SettingsError(Exception):
    """A bad flag or config value; the message names it and says what is valid."""


@dataclass(frozen=True)
class Rule:
    """Minimum effects for the benchmarks whose name matches `pattern` (re.search)."""
    pattern: str
    effects: dict  # metric -> fraction
    source: str  # the flag or file it came from, for messages

    def matches(self, name):
        return re.search(self.pattern, name) is not None


@dataclass
class Settings:
    alpha: float = 0.05
    correction: str = "holm"
    metrics: tuple = METRICS
    min_effect: dict = field(default_factory=lambda: dict(DEFAULT_MIN_EFFECT))
    rules: list = field(default_factory=list)
    allow_mismatch: bool = False

    def threshold(self, benchmark, metric):
        """The minimum effect (a fraction) for `metric` of `benchmark`: the last matching
        rule that sets it, else the metric's default."""
        value = self.min_effect[metric]
        for rule in self.rules:
            if metric in rule.effects and rule.matches(benchmark):
                value = rule.effects[metric]
        return value

    def describe(self):
        """Plain data for the JSON output."""
        return {"alpha": self.alpha, "correction": self.correction, "metrics": list(self.metrics),
                "min_effect": dict(self.min_effect),
                "thresholds": [{"pattern": r.pattern, "min_effect": r.effects, "from": r.source}
                               for r in self.rules]}


def parse_percent(text, where):
    """'5%' or '5' (percent) or a number (percent) -> 0.05. Valid: 0 <= value < 100 %."""
    if isinstance(text, bool):
        raise SettingsError(f"{where}: expected a percentage like '5%', found {text!r}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*%?\s*", str(text))
        if not m:
            raise SettingsError(f"{where}: expected a percentage like '5%', found {text!r}")
        value = float(m.group(1))
    if not 0 <= value < 100:
        raise SettingsError(f"{where}: expected a percentage from 0% to below 100%, "
                            f"found {text!r}")
    return value / 100


def _metric(name, where):
    if name not in METRICS:
        raise SettingsError(f"{where}: unknown metric {name!r}: expected one of "
                            f"{', '.join(METRICS)}")
    return name


def parse_effects(spec, where):
    """'5%' (every metric) or 'time:10%,rss:20%' (flags), or the config's string/number/table,
    -> {metric: fraction}."""
    if isinstance(spec, dict):
        return {_metric(k, where): parse_percent(v, f"{where}.{k}") for k, v in spec.items()}
    if isinstance(spec, str) and ":" in spec:
        out = {}
        for part in spec.split(","):
            metric, _, value = part.partition(":")
            out[_metric(metric.strip(), where)] = parse_percent(value, where)
        return out
    value = parse_percent(spec, where)
    return {m: value for m in METRICS}


def parse_min_effect_flag(text):
    """--min-effect 5% (every metric) or --min-effect rss=10%."""
    where = f"--min-effect {text!r}"
    if "=" in text:
        metric, _, value = text.partition("=")
        return {_metric(metric.strip(), where): parse_percent(value, where)}
    return parse_effects(text, where)


def parse_threshold_flag(text):
    """--threshold 'PATTERN=10%' or 'PATTERN=time:10%,rss:20%'. Split at the last '=': names
    hold ':' (workers:2) but never '='."""
    where = f"--threshold {text!r}"
    pattern, eq, value = text.rpartition("=")
    if not eq or not pattern:
        raise SettingsError(f"{where}: expected PATTERN=PERCENT, e.g. 'io\\.echo/=10%' or "
                            "'io\\.echo/=time:10%,rss:20%'")
    return make_rule(pattern, parse_effects(value, where), where)


def make_rule(pattern, effects, where):
    try:
        re.compile(pattern)
    except re.error as e:
        raise SettingsError(f"{where}: {pattern!r} is not a regular expression ({e})") from None
    return Rule(pattern, effects, where)


def parse_alpha(text, where="--alpha"):
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = None
    if value is None or isinstance(text, bool) or not 0 < value < 1:
        raise SettingsError(f"{where} {text!r}: expected a significance level between 0 and 1, "
                            "e.g. 0.05")
    return value


def parse_correction(text, where="--correction"):
    if text not in CORRECTIONS:
        raise SettingsError(f"{where} {text!r}: expected holm, bh or none")
    return text


def parse_metrics(spec, where="--metrics"):
    names = spec.split(",") if isinstance(spec, str) else spec
    if not isinstance(names, list | tuple) or not names:
        raise SettingsError(f"{where}: expected a list of metrics from {', '.join(METRICS)}")
    return tuple(_metric(str(n).strip(), where) for n in names)


def load_config(path, settings):
    """Applies the config file at `path` to `settings`."""
    where = f"--config {path}"
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise SettingsError(f"{where}: cannot read it ({e.strerror or e})") from None
    try:
        data = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as e:
        kind = "TOML" if str(path).endswith(".toml") else "JSON (name it .toml for TOML)"
        raise SettingsError(f"{where}: not valid {kind}: {e}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{where}: expected a table of settings, found {type(data).__name__}")
    known = {"alpha", "correction", "metrics", "min_effect", "threshold"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {', '.join(map(repr, unknown))}: expected "
                            f"{', '.join(sorted(known))}")
    if "alpha" in data:
        settings.alpha = parse_alpha(data["alpha"], f"{where}: alpha")
    if "correction" in data:
        settings.correction = parse_correction(data["correction"], f"{where}: correction")
    if "metrics" in data:
        settings.metrics = parse_metrics(data["metrics"], f"{where}: metrics")
    if "min_effect" in data:
        settings.min_effect.update(parse_effects(data["min_effect"], f"{where}: min_effect"))
    rules = data.get("threshold", [])
    if not isinstance(rules, list):
        raise SettingsError(f"{where}: threshold: expected a list of {{pattern, min_effect}}")
    for i, r in enumerate(rules):
        w = f"{where}: threshold[{i}]"
        if not isinstance(r, dict) or set(r) != {"pattern", "min_effect"}:
            raise SettingsError(f"{w}: expected exactly the keys pattern and min_effect")
        settings.rules.append(make_rule(str(r["pattern"]), parse_effects(r["min_effect"], w), w))
    return settings
