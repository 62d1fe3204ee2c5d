"""Server-side SVG charts of the dashboard, drawn with matplotlib's SVG backend.

Why matplotlib: the most maintained Python charting library (monthly releases, a large
team), no JavaScript and no CDN; its SVG keeps text as text (`svg.fonttype = none`), so
the charts stay small, sharp at any zoom and selectable. Only the object-oriented API is
used (a `Figure` per chart, never `pyplot`'s global state), so concurrent requests do not
share figures. The page shows each chart as an <img> with a text alternative, followed
by a table with the same figures; series differ by marker, line style or hatching as
well as by colour (WCAG 1.4.1).
"""

from __future__ import annotations

import base64
import io
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forum.cache import TTLCache

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Bootstrap Italia primary, its dark blue, and a dark orange: each at least 3:1 on white.
COLOURS = ("#0066CC", "#17324D", "#A65E00")
MARKERS = ("o", "s", "^")
LINES = ("-", "--", ":")
HATCHES = ("", "//", "..")

# Drawing costs about 0.1 s a chart; the same figures give the same SVG, so drawings are
# kept by content (title, labels, values): a changed figure is a new key, never stale.
# Per process on purpose: a pure function of its key, so servers never disagree.
_drawn = TTLCache(size=256, ttl=3600)
# Matplotlib asks callers who draw from several threads to hold a lock; drawing is CPU
# work under the GIL anyway, so the lock costs no throughput.
_drawing = threading.Lock()


_configured = False


def _figure(width: float, height: float) -> Figure:
    """A new figure; matplotlib is imported on the first chart (about 0.7 s), not when
    the app starts, and set once for the process (nothing else in Officina draws with it):
    text stays text, and element ids are the same on every run for the same chart."""
    global _configured
    import matplotlib
    from matplotlib.figure import Figure

    if not _configured:
        matplotlib.rcParams.update({
            "svg.fonttype": "none",
            "svg.hashsalt": "officina-cruscotto",
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans"],
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        })
        _configured = True
    return Figure(figsize=(width, height), layout="constrained")


def _ticks(*, integer: bool) -> Any:
    """Up to ten round ticks; whole numbers only for counts."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=integer, min_n_ticks=1)


def _locked(draw: Callable[[], Chart]) -> Callable[[], Chart]:
    def run() -> Chart:
        with _drawing:
            return draw()
    return run


@dataclass(frozen=True)
class Series:
    """One named line or set of bars; None where there is no figure (drawn as a gap)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its title (also the start of its text alternative) and the SVG."""

    title: str
    svg: str

    @property
    def data_uri(self) -> str:
        """The SVG as a data: URI for an <img> (allowed by the page's img-src policy)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _values(series: Series) -> list[float]:
    return [math.nan if value is None else float(value) for value in series.values]


def _finish(fig: Figure, title: str) -> Chart:
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Title": title})
    return Chart(title, out.getvalue())


def _month_axis(ax: Axes, labels: Sequence[str]) -> None:
    """Month labels, thinned to about twelve so they never overlap."""
    step = max(1, math.ceil(len(labels) / 12))
    slanted = len(labels) > 6
    ax.set_xticks(range(0, len(labels), step), labels[::step],
                  rotation=45 if slanted else 0, ha="right" if slanted else "center")
    ax.set_xlim(-0.6, len(labels) - 0.4)


def _legend(fig: Figure, series: Sequence[Series]) -> None:
    """Below the plot, outside it: it never hides a line or a bar."""
    if len(series) > 1:
        fig.legend(loc="outside lower center", ncols=len(series), frameon=False)


def _style_axis(ax: Axes, percent: bool, unit: str) -> None:
    ax.grid(axis="y", color="#D9DADB", linewidth=0.8)
    ax.set_axisbelow(True)
    if percent:
        ax.set_ylim(0, 102)
    else:
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(_ticks(integer=True))
    if unit:
        ax.set_ylabel(unit)


def _key(kind: str, title: str, labels: Sequence[str], series: Sequence[Series],
         **options: object) -> tuple[object, ...]:
    return (kind, title, tuple(labels), tuple((s.name, tuple(s.values)) for s in series),
            tuple(sorted(options.items())))


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *,
               unit: str = "", percent: bool = False) -> Chart:
    """Lines over the months (one per series, each with its own marker and dash)."""
    key = _key("line", title, labels, series, unit=unit, percent=percent)
    return _drawn.get_or_compute(key, _locked(
        lambda: _line_chart(title, labels, series, unit, percent)))


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *,
              unit: str = "", percent: bool = False, horizontal: bool = False) -> Chart:
    """Grouped bars: vertical over the months, horizontal for themes and regions (their
    long names stay readable)."""
    key = _key("bar", title, labels, series, unit=unit, percent=percent, horizontal=horizontal)
    return _drawn.get_or_compute(key, _locked(
        lambda: _bar_chart(title, labels, series, unit, percent, horizontal)))


def _line_chart(title: str, labels: Sequence[str], series: Sequence[Series], unit: str,
                percent: bool) -> Chart:
    fig = _figure(8, 3.4)
    ax = fig.subplots()
    positions = list(range(len(labels)))
    for n, item in enumerate(series):
        ax.plot(positions, _values(item), label=item.name, color=COLOURS[n % 3],
                marker=MARKERS[n % 3], linestyle=LINES[n % 3], linewidth=2)
    _month_axis(ax, labels)
    _style_axis(ax, percent, unit)
    if not percent:  # hours: fractions are fine
        ax.yaxis.set_major_locator(_ticks(integer=False))
    _legend(fig, series)
    return _finish(fig, title)


def _bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], unit: str,
               percent: bool, horizontal: bool) -> Chart:
    count = max(len(series), 1)
    width = 0.8 / count
    if horizontal:
        fig = _figure(8, max(2.4, 0.32 * len(labels) * count + 1))
    else:
        fig = _figure(8, 3.4)
    ax = fig.subplots()
    positions = list(range(len(labels)))
    for n, item in enumerate(series):
        offsets = [p - 0.4 + width * (n + 0.5) for p in positions]
        values = [0.0 if math.isnan(v) else v for v in _values(item)]
        style: dict[str, Any] = {"label": item.name, "color": COLOURS[n % 3],
                                 "hatch": HATCHES[n % 3], "edgecolor": "white"}
        if horizontal:
            ax.barh(offsets, values, height=width, **style)
        else:
            ax.bar(offsets, values, width=width, **style)
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.grid(axis="x", color="#D9DADB", linewidth=0.8)
        ax.set_axisbelow(True)
        if percent:
            ax.set_xlim(0, 100)
        else:
            ax.set_xlim(left=0)
            ax.xaxis.set_major_locator(_ticks(integer=True))
        if unit:
            ax.set_xlabel(unit)
    else:
        _month_axis(ax, labels)
        _style_axis(ax, percent, unit)
    _legend(fig, series)
    return _finish(fig, title)
