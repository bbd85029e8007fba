"""Numbers with their units, for people. The unit of every counter comes from the run's own
context (context["concbench_counters"][name]["unit"]); this module only knows how to print a
unit, never which counter has which."""
import math

# Binary prefixes for bytes (memory is allocated in pages of 4 KiB), SI prefixes for rates.
_BYTES = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
_SI = [(1e9, "G"), (1e6, "M"), (1e3, "k")]


def sig(x, digits=3):
    """x with `digits` significant digits, thousands separated, no exponent, no trailing '.0'.
    NOTE: 1234.5 -> '1,235'; 0.012345 -> '0.0123'; 12.0 -> '12'."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    text = f"{round(x, decimals):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def seconds(s):
    """A duration in seconds, printed in s, ms, µs or ns."""
    if s is None or not math.isfinite(s):
        return "n/a"
    a = abs(s)
    if a >= 1 or a == 0:
        return f"{sig(s)} s"
    if a >= 1e-3:
        return f"{sig(s * 1e3)} ms"
    if a >= 1e-6:
        return f"{sig(s * 1e6)} µs"
    return f"{sig(s * 1e9)} ns"


def nbytes(b):
    """A size in bytes with a binary prefix: 1536 -> '1.5 KiB'."""
    if b is None or not math.isfinite(b):
        return "n/a"
    for scale, name in _BYTES:
        if abs(b) >= scale:
            return f"{sig(b / scale)} {name}"
    return f"{sig(b)} B"


def si(x, suffix):
    """A rate with an SI prefix: si(845115, '/s') -> '845 k/s'."""
    if x is None or not math.isfinite(x):
        return "n/a"
    for scale, name in _SI:
        if abs(x) >= scale:
            return f"{sig(x / scale)} {name}{suffix}"
    return f"{sig(x)} {suffix}".replace(" /", "/") if suffix.startswith("/") else f"{sig(x)} {suffix}"


def fmt(value, unit):
    """`value` printed with `unit` as written in concbench_counters ('s', 'us', 'B', 'B/s',
    '1/s', 'x', 'ratio', '1'); an unknown unit is printed after the number as it is."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if unit == "s":
        return seconds(value)
    if unit == "us":
        return seconds(value * 1e-6)
    if unit == "ms":
        return seconds(value * 1e-3)
    if unit == "ns":
        return seconds(value * 1e-9)
    if unit == "B":
        return nbytes(value)
    if unit == "B/s":
        return nbytes(value) + "/s"
    if unit == "1/s":
        return si(value, "/s")
    if unit == "x":
        return f"{value:.2f}×" if abs(value) < 10 else f"{sig(value)}×"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit in ("1", "", None):
        return sig(value)
    return f"{sig(value)} {unit}"


# Durations as concbench writes their units; µs too, as a person would.
_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


def to_seconds(value, unit):
    """`value` in `unit` as seconds; None when it is not a finite number or the unit not a
    duration (so that a ratio of two durations is never taken across unknown units)."""
    if value is None or not math.isfinite(value) or unit not in _SECONDS:
        return None
    return value * _SECONDS[unit]


def percent(fraction, digits=2):
    """0.0734 -> '7.3 %'."""
    if fraction is None or not math.isfinite(fraction):
        return "n/a"
    return f"{sig(fraction * 100, digits)} %"


def param(key, value):
    """A name parameter as a reader says it: ('latency_us', 10000) -> 'L = 10 ms'."""
    if key == "latency_us":
        return f"L = {seconds(value * 1e-6)}"
    if key == "grain_us":
        return f"W = {seconds(value * 1e-6)}"
    if key == "concurrency":
        return f"C = {sig(value)}"
    if key == "workers":
        return f"P = {sig(value)}"
    if key == "payload_bytes":
        return f"{nbytes(value)} per task"
    if key == "tasks":
        return f"N = {sig(value)}"
    return f"{key} = {value}"
