"""Benchmark names, read here and nowhere else: <workload>/<model>/<param>:<value>/.../real_time,
e.g. io.sleep/threads/workers:100/concurrency:100/latency_us:10000/real_time; coro has no
workers parameter (it is one loop on one thread). A value is an integer or a word (dispatch:map,
and the scenarios' block:sleep, wait:first, fail:abort), as the file declares its words."""
import re
from dataclasses import dataclass

from .facts import DISPATCHES, WORD_PARAMS

GB_FIELDS = frozenset({"name", "family_index", "per_family_instance_index", "run_name",
                       "run_type", "repetitions", "repetition_index", "threads", "iterations",
                       "real_time", "cpu_time", "time_unit", "aggregate_name", "aggregate_unit",
                       "error_occurred", "error_message", "label", "big_o", "rms"})
# Name segments Google Benchmark adds itself (not concbench parameters).
GB_TAGS = frozenset({"real_time", "manual_time", "process_time"})
GB_TAGGED = frozenset({"min_time", "min_warmup_time", "iterations", "repeats", "threads"})

_TIME_UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
_NAME = re.compile(r"^(?P<workload>[a-z][a-z0-9_]*(\.[a-z0-9_]+)*)/(?P<model>[a-z][a-z0-9_]*)"
                   r"(?P<rest>(/[^/]+)*)$")
_PARAM = re.compile(r"^(?P<key>[a-z_]+):(?P<value>-?[0-9]+)$")
# A scenario's word parameter (block:sleep, wait:first, fail:abort): its value stays a string.
_WORD = re.compile(r"^(?P<key>[a-z_]+):(?P<value>[a-z][a-z0-9_]*)$")
_AGGREGATE_SUFFIX = re.compile(r"_(mean|median|stddev|cv)$")



class NameError_(ValueError):
    """A benchmark name that is not <workload>/<model>/<param>:<value>/..."""


@dataclass(frozen=True)
class Name:
    workload: str
    model: str
    params: tuple  # ((key, int), ...) in the order of the name; ('dispatch', 'map'|'each')

    def get(self, key, default=None):
        return dict(self.params).get(key, default)

    @property
    def dispatch(self):
        return self.get("dispatch")




def parse_name(name, words=None):
    """Name of `name`; raises NameError_ when it is not a concbench name. `words`: the word
    parameters (declared_words(context)); WORD_PARAMS by default.
    NOTE: Google Benchmark's own segments (/real_time, /repeats:N, ...) are dropped."""
    m = _NAME.match(name)
    if not m:
        raise NameError_(f"{name!r}: expected <workload>/<model>/<param>:<value>/...")
    params = []
    for seg in m.group("rest").split("/")[1:]:
        if seg in GB_TAGS:
            continue
        key = seg.split(":", 1)[0]
        if key in GB_TAGGED:
            continue
        if key == "dispatch":
            params.append(("dispatch", parse_dispatch(name, seg)))
            continue
        allowed = (words or WORD_PARAMS).get(key)
        if allowed is not None:
            w = _WORD.match(seg)
            if not w or w.group("value") not in allowed:
                raise NameError_(f"{name!r}: segment {seg!r}: {key} is one of "
                                 f"{', '.join(allowed)}")
            params.append((key, w.group("value")))
            continue
        p = _PARAM.match(seg)
        if not p:
            raise NameError_(f"{name!r}: segment {seg!r} is not <param>:<integer>")
        params.append((p.group("key"), int(p.group("value"))))
    return Name(m.group("workload"), m.group("model"), tuple(params))


def parse_dispatch(name, seg):
    """The word of a dispatch:<word> segment, or NameError_ saying which words there are."""
    word = seg.split(":", 1)[1] if ":" in seg else ""
    if word not in DISPATCHES:
        raise NameError_(f"{name!r}: segment {seg!r}: dispatch is each (one task handed at a "
                         f"time) or map (the whole range, chunked by the model), found {word!r}")
    return word


def base_name(entry):
    """The benchmark an entry belongs to: its run_name, or its name less an aggregate's
    suffix (_mean, _median, ...)."""
    if entry.get("run_name"):
        return entry["run_name"]
    name = entry["name"]
    return _AGGREGATE_SUFFIX.sub("", name) if entry.get("run_type") == "aggregate" else name
