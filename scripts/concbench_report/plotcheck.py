"""Checks that a drawn figure reads, each returning a list of problems (one sentence each;
empty when the figure passes), for any figure, e.g. one handed to plots.on_figure:
  overlaps            two texts overprint (tick labels of one axis too), a text runs into a
                      panel it does not belong to, or a text leaves what is saved;
  texts_on_lines      a label inside a panel lies across one of its lines or markers;
  title_numbers       a time or size the title quotes is not, to its printed precision, a y
                      value the figure draws;
  nonpositive_on_log  a value <= 0 handed to a log axis (matplotlib masks it silently).
Reads matplotlib's artists after fig.canvas.draw(); besides the public API, the few private
attributes that say what a draw shows: Axis._update_ticks (the ticks drawn), Axes._left_title
and _right_title, Figure._suptitle and Annotation._check_xy (whether it is drawn)."""
import math
import re
from itertools import combinations

import numpy as np
from matplotlib.patches import Patch
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

TOLERANCE_PX = 2.0    # two boxes that share less than this in either direction do not overlap


def _renderer(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _short(text):
    one = " ".join(text.split())
    return one if len(one) <= 40 else one[:37] + "..."


def texts(fig, renderer=None):
    """[(where, owner, text, Bbox in display pixels)] for every visible, non-empty text the
    figure draws: figure texts (the suptitle), axes titles, axis labels and offsets, the tick
    labels a draw shows, texts and annotations in the axes, and every legend's texts and title.
    owner: the index in fig.axes of the axes the text belongs to, None for the figure's."""
    renderer = renderer or _renderer(fig)
    out = []

    def add(where, owner, t):
        if t is None or not t.get_visible() or not t.get_text().strip():
            return
        if isinstance(t, Annotation):
            if not t._check_xy(renderer):
                return                    # an annotation whose point is clipped is not drawn
            t.update_positions(renderer)
            box = Text.get_window_extent(t, renderer)    # the text alone, not its arrow
        else:
            box = t.get_window_extent(renderer)
        if box.width > 0 and box.height > 0 and np.all(np.isfinite(box.get_points())):
            out.append((where, owner, t.get_text(), box))

    def add_legend(where, owner, leg):
        if leg is None or not leg.get_visible():
            return
        add(f"{where} legend title", owner, leg.get_title())
        for t in leg.get_texts():
            add(f"{where} legend", owner, t)

    for t in fig.texts:
        add("figure", None, t)
    for i, leg in enumerate(fig.legends):
        add_legend(f"figure[{i}]", None, leg)
    for n, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        name = f"axes {n}"
        for t in (ax.title, ax._left_title, ax._right_title):
            add(f"{name} title", n, t)
        for axis, xy in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if not axis.get_visible():
                continue
            add(f"{name} {xy} label", n, axis.label)
            add(f"{name} {xy} offset", n, axis.get_offset_text())
            for tick in axis._update_ticks():
                add(f"{name} {xy} tick", n, tick.label1)
                add(f"{name} {xy} tick", n, tick.label2)
        for t in ax.texts:
            add(f"{name} text", n, t)
        add_legend(name, n, ax.get_legend())
    return out


def _overlap(a, b):
    """How far two boxes overlap, (width, height); negative where they do not."""
    return min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)


def overlaps(fig, tight=True, tolerance=TOLERANCE_PX):
    """Two texts whose boxes overlap by more than `tolerance` pixels both ways; a text that
    runs into a panel it does not belong to (a right panel's axis label into the left panel);
    texts outside what is saved: the figure, or with tight=True (savefig bbox_inches='tight')
    the tight box of everything drawn, which only a text left out of the layout can leave."""
    renderer = _renderer(fig)
    found = texts(fig, renderer)
    problems = []
    for (wa, _, ta, a), (wb, _, tb, b) in combinations(found, 2):
        w, h = _overlap(a, b)
        if w > tolerance and h > tolerance:
            problems.append(f"{wa} {_short(ta)!r} overlaps {wb} {_short(tb)!r} by "
                            f"{w:.0f} × {h:.0f} px")
    panels = [(n, ax) for n, ax in enumerate(fig.axes) if ax.get_visible()]
    for where, owner, t, box in found:
        for n, ax in panels:
            if n == owner:
                continue
            w, h = _overlap(box, ax.bbox)
            if w > tolerance and h > tolerance:
                problems.append(f"{where} {_short(t)!r} runs into axes {n} by "
                                f"{w:.0f} × {h:.0f} px")
    if tight:
        area = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
    else:
        area = fig.bbox
    for where, _, t, box in found:
        if (box.x0 < area.x0 - tolerance or box.y0 < area.y0 - tolerance or
                box.x1 > area.x1 + tolerance or box.y1 > area.y1 + tolerance):
            problems.append(f"{where} {_short(t)!r} leaves the figure")
    return problems


def _crosses(box, segments):
    """Whether any segment [(x0, y0), (x1, y1)] (display pixels) passes through `box`."""
    for (x0, y0), (x1, y1) in segments:
        # Liang-Barsky: clip the segment to the box.
        t0, t1 = 0.0, 1.0
        dx, dy = x1 - x0, y1 - y0
        for p, q in ((-dx, x0 - box.x0), (dx, box.x1 - x0), (-dy, y0 - box.y0), (dy, box.y1 - y0)):
            if p == 0:
                if q < 0:
                    break
            else:
                r = q / p
                if p < 0:
                    t0 = max(t0, r)
                else:
                    t1 = min(t1, r)
        else:
            if t0 <= t1:
                return True
    return False


def texts_on_lines(fig, tolerance=TOLERANCE_PX):
    """A text inside an axes (ax.text, ax.annotate) drawn across one of its data lines or
    markers: a label laid on what it labels hides both."""
    renderer = _renderer(fig)
    problems = []
    for where, owner, t, box in texts(fig, renderer):
        if owner is None or not where.endswith(" text"):
            continue
        ax = fig.axes[owner]
        inner = Bbox.from_extents(box.x0 + tolerance, box.y0 + tolerance,
                                  box.x1 - tolerance, box.y1 - tolerance)
        for line in ax.get_lines():
            if not line.get_visible():
                continue
            xy = line.get_transform().transform(line.get_xydata())
            xy = xy[np.all(np.isfinite(xy), axis=1)]
            hit = False
            if line.get_linestyle() not in ("None", "none", "", " ") and len(xy) > 1:
                hit = _crosses(inner, zip(xy[:-1], xy[1:]))
            if not hit and line.get_marker() not in (None, "None", "none", "", " "):
                r = line.get_markersize() * fig.dpi / 72 / 2
                hit = any(x + r > inner.x0 and x - r < inner.x1 and y + r > inner.y0 and
                          y - r < inner.y1 for x, y in xy)
            if hit:
                problems.append(f"{where} {_short(t)!r} is drawn across a line or marker")
                break
    return problems


# ------------------------------------------------------------------------------ title numbers

_UNITS = {"ns": (1e-9, "s"), "µs": (1e-6, "s"), "ms": (1e-3, "s"), "s": (1.0, "s"),
          "B": (1, "B"), "KiB": (1 << 10, "B"), "MiB": (1 << 20, "B"), "GiB": (1 << 30, "B")}
_QUANTITY = re.compile(r"(?<![\w.,])(-?\d[\d,]*(?:\.\d+)?)\s?(ns|µs|ms|s|B|KiB|MiB|GiB)(?!\w)")


def quantities(text):
    """[(printed, value, half of the last printed digit, 's' or 'B')] for every number with
    a unit of time (value in seconds) or size (in bytes) in `text`."""
    out = []
    for m in _QUANTITY.finditer(text):
        digits, unit = m.group(1), m.group(2)
        number = float(digits.replace(",", ""))
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        scale, kind = _UNITS[unit]
        out.append((m.group(0), number * scale, 0.5 * 10 ** -decimals * scale, kind))
    return out


def title(fig):
    """The figure's title (its suptitle) on one line."""
    sup = fig._suptitle
    return " ".join(sup.get_text().split()) if sup is not None else ""


def drawn_y(fig):
    """Every finite y value drawn in data coordinates: lines (horizontal limit lines too),
    bars and other patches, scatter points."""
    return [y for ax in fig.axes for _, y in _data_points(ax, y_only=True)
            if y is not None and math.isfinite(y)]


def title_numbers(fig, y_scale, text=None):
    """Each time or size quoted in the title (or `text`) that equals, to its printed
    precision, no y value the figure draws. `y_scale` is (factor, kind): the factor turns a
    drawn y into seconds (kind 's'; 1e-6 for an axis of µs) or bytes (kind 'B'); only the
    title's quantities of that kind are checked (a wait L in a memory plot's title is a
    parameter, not a y)."""
    factor, kind = y_scale
    text = title(fig) if text is None else text
    ys = [y * factor for y in drawn_y(fig)]
    problems = []
    for printed, value, half, what in quantities(text):
        if what == kind and not any(abs(y - value) <= half * (1 + 1e-9) + 1e-15 for y in ys):
            problems.append(f"the title quotes {printed!r}, which no drawn value rounds to")
    return problems


# ---------------------------------------------------------------------------- log axes

def _data_points(ax, y_only=False):
    """(x, y) in data coordinates of what `ax` draws, a None for a coordinate that is not in
    data coordinates (an axhline's x, a mark at the axis' edge)."""
    data = ax.transData

    def split(transform, xys):
        bx, by = transform.contains_branch_seperately(data)
        for x, y in np.asarray(xys, dtype=float).reshape(-1, 2):
            yield (x if bx else None), (y if by else None)

    for line in ax.get_lines():
        yield from split(line.get_transform(), line.get_xydata())
    for patch in ax.patches:
        if isinstance(patch, Patch) and patch.get_visible():
            verts = patch.get_patch_transform().transform(patch.get_path().vertices)
            yield from split(patch.get_data_transform(), verts)
    for coll in ax.collections:
        offsets = coll.get_offsets()
        if len(offsets):
            yield from split(coll.get_offset_transform(), offsets)
        if coll.get_transform().contains_branch(data):
            for path in coll.get_paths():
                yield from split(coll.get_transform(), path.vertices)
    if not y_only:
        for t in ax.texts:
            if isinstance(t, Annotation):
                coords = t.xycoords
                if coords == "data":
                    yield t.xy
                elif isinstance(coords, tuple):
                    yield tuple(v if c == "data" else None for v, c in zip(t.xy, coords))
                elif hasattr(coords, "contains_branch_seperately"):
                    yield from split(coords, [t.xy])
            else:
                yield from split(t.get_transform(), [t.get_position()])


def nonpositive_on_log(fig):
    """Each value <= 0 handed to a log axis (matplotlib would clip or mask it silently)."""
    problems = []
    for n, ax in enumerate(fig.axes):
        logs = (ax.get_xscale() == "log", ax.get_yscale() == "log")
        if not any(logs):
            continue
        bad = set()
        for point in _data_points(ax):
            for i, v in enumerate(point):
                if logs[i] and v is not None and math.isfinite(v) and v <= 0:
                    bad.add(("x", "y")[i] + f" = {v:g}")
        for i, (lo, hi) in enumerate((ax.get_xlim(), ax.get_ylim())):
            if logs[i] and min(lo, hi) <= 0:
                bad.add(("x", "y")[i] + f" limit {min(lo, hi):g}")
        if bad:
            problems.append(f"axes {n} ({ax.get_title() or 'untitled'}): log axis handed "
                            + ", ".join(sorted(bad)))
    return problems


# ---------------------------------------------------------------------------------- all

# The unit of the y axis of the plots whose titles quote what they draw, by key prefix.
Y_SCALE = {"overhead": (1e-6, "s"), "latency": (1e-6, "s"), "memory": (1.0, "B")}


def y_scale_of(key):
    """(factor, kind) of plot `key`'s y axis for title_numbers, or None: not checked."""
    return next((s for k, s in Y_SCALE.items() if key.startswith(k)), None)


def problems(key, fig, tight=True):
    """Every problem of figure `key` (a plot key, as PlotInfo.key)."""
    out = overlaps(fig, tight) + texts_on_lines(fig) + nonpositive_on_log(fig)
    scale = y_scale_of(key)
    if scale is not None:
        out += title_numbers(fig, scale)
    return out


__all__ = ["drawn_y", "nonpositive_on_log", "overlaps", "problems", "quantities",
           "texts", "texts_on_lines", "title", "title_numbers", "y_scale_of"]
