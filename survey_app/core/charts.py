"""Tiny server-side charts as inline SVG: progress bars and rates with 95 % intervals.

No JavaScript and no chart library. Every chart is accessible and prints in black and white:
``role="img"`` with a ``<title>`` and ``<desc>`` (aria-labelledby), every mark has a text
label with its number, meaning never rests on colour alone (the target is a tick with a
label, audiences are told apart by marker shape: ● children, ■ residents), and the colours
come from CSS classes so a print stylesheet can turn them grey. Only presentation attributes
are used (no ``style=""``): the Content-Security-Policy forbids inline styles.

A hidden (suppressed) number arrives as :class:`~assessment.survey.types.Hidden` and is drawn
as its label "<5" with no bar or dot, so a chart never leaks what a table hides.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from assessment import Hidden
from survey_app.core.i18n import _

_ids = itertools.count(1)

WIDTH = 640
LABEL_W = 210  # room for "Tổ dân phố Quán Thành" at 13 px
VALUE_W = 110
ROW_H = 24
TOP = 30
MARKERS = ("circle", "square", "diamond")


@dataclass(frozen=True, slots=True)
class Bar:
    """One progress bar: ``value`` answers of ``target`` (value Hidden when suppressed)."""

    label: str
    value: int | Hidden
    target: int | None
    text: str  # the number written after the bar, e.g. "23 / 31 ✓"


@dataclass(frozen=True, slots=True)
class Dot:
    """One estimate with its interval, in percent; ``series`` picks the marker shape."""

    label: str
    series: int
    rate: float | Hidden | None
    low: float | Hidden | None
    high: float | Hidden | None
    text: str


def _svg(title: str, desc: str, height: int, body: str, css: str) -> Markup:
    uid = next(_ids)
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart{uid}-t chart{uid}-d" preserveAspectRatio="xMinYMin meet" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart{uid}-t">{escape(title)}</title>'
        f'<desc id="chart{uid}-d">{escape(desc)}</desc>{body}</svg>'
    )


def _label(x: float, y: float, text: str, anchor: str = "start", css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="13"{cls}>'
        f"{escape(text)}</text>"
    )


def _clip(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def progress_chart(bars: Sequence[Bar], *, title: str, desc: str) -> Markup:
    """Horizontal bars of answers per group, each with a tick at its target."""
    area = WIDTH - LABEL_W - VALUE_W
    numbers = [b.value for b in bars if isinstance(b.value, int)] + [b.target or 0 for b in bars]
    scale = area / max([1, *numbers])
    parts = []
    for i, bar in enumerate(bars):
        y = TOP + i * ROW_H
        parts.append(_label(LABEL_W - 8, y + 16, _clip(bar.label), "end"))
        # The frame shows the whole scale, so an empty bar still reads as "0", not "missing".
        parts.append(
            f'<rect x="{LABEL_W}" y="{y + 5}" width="{area}" height="14" class="frame" '
            f'fill="none" stroke="#767676" stroke-width="0.5"/>'
        )
        if isinstance(bar.value, int) and bar.value > 0:
            parts.append(
                f'<rect x="{LABEL_W}" y="{y + 5}" width="{bar.value * scale:.1f}" height="14" '
                f'class="bar" fill="#0b5cad"/>'
            )
        if bar.target:
            x = LABEL_W + bar.target * scale
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + 23}" class="target" '
                f'stroke="#000" stroke-width="2.5"/>'
            )
        parts.append(_label(WIDTH - VALUE_W + 6, y + 16, bar.text))
    height = TOP + len(bars) * ROW_H + 6
    return _svg(title, desc, height, "".join(parts), "progress")


def _x(value: float, lo: float, hi: float) -> float:
    area = WIDTH - LABEL_W - VALUE_W
    return LABEL_W + (min(max(value, lo), hi) - lo) / (hi - lo) * area


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return (
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" class="dot" '
            f'fill="#000"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 7:.1f}l7 7-7 7-7-7z" class="dot" fill="#fff" '
            f'stroke="#000" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" class="dot" fill="#000"/>'


def rate_chart(
    dots: Sequence[Dot],
    *,
    title: str,
    desc: str,
    bands: Sequence[float] = (),
    axis: tuple[float, float] = (0.0, 100.0),
    legend: Sequence[str] = (),
    percent: Callable[[float], str] = lambda v: f"{v:.0f}%",
) -> Markup:
    """Dots with 95 % interval whiskers on a 0-100 % axis; band bounds as dashed lines.

    ``legend`` names the series in order (marker shapes ● ■ ◆); rows with the same label
    are drawn under one label, one line per series.
    """
    lo, hi = axis
    legend_h = 22 if legend else 0
    top = TOP + legend_h
    parts = []
    for i, name in enumerate(legend):
        x = LABEL_W + i * 150
        parts.append(_marker(MARKERS[i % len(MARKERS)], x + 6, 14))
        parts.append(_label(x + 18, 19, name))
    height = top + len(dots) * ROW_H + 24
    for bound in bands:
        x = _x(bound, lo, hi)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - 20}" class="band" '
            f'stroke="#555" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    for tick in range(int(lo), int(hi) + 1, 10):
        x = _x(tick, lo, hi)
        parts.append(_label(x, height - 6, percent(tick), "middle", "tick"))
    previous = None
    for i, dot in enumerate(dots):
        y = top + i * ROW_H + 12
        if dot.label != previous:
            parts.append(_label(LABEL_W - 8, y + 4, _clip(dot.label), "end"))
            if i:
                parts.append(
                    f'<line x1="0" x2="{WIDTH}" y1="{y - 12}" y2="{y - 12}" stroke="#ddd" '
                    f'stroke-width="0.5"/>'
                )
        previous = dot.label
        numbers = (dot.rate, dot.low, dot.high)
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
            x0, x1 = _x(float(dot.low), lo, hi), _x(float(dot.high), lo, hi)  # type: ignore[arg-type]
            parts.append(
                f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y}" y2="{y}" class="whisker" '
                f'stroke="#000" stroke-width="1.5"/>'
                f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="{y - 5}" y2="{y + 5}" stroke="#000"/>'
                f'<line x1="{x1:.1f}" x2="{x1:.1f}" y1="{y - 5}" y2="{y + 5}" stroke="#000"/>'
            )
            parts.append(
                _marker(MARKERS[dot.series % len(MARKERS)], _x(float(dot.rate), lo, hi), y)
            )  # type: ignore[arg-type]
        parts.append(_label(WIDTH - VALUE_W + 6, y + 4, dot.text))
    return _svg(title, desc, height, "".join(parts), "rates")


# ----------------------------------------------------------------------------- dashboard charts


def _shown(value: object, fmt: Callable[[float], str]) -> str:
    if isinstance(value, Hidden):
        return str(value)
    return "–" if value is None else fmt(float(value))  # type: ignore[arg-type]


def progress_charts(
    groups: Sequence, audiences: Sequence[str], names: Callable[[str], str], ok: str
) -> dict[str, Markup]:
    """One progress chart per audience from dashboard `GroupRow`s (valid answers vs target)."""

    charts = {}
    for k, audience in enumerate(audiences):
        bars = []
        for row in groups:
            cell = row.cells[k]
            target = "?" if cell.target is None else str(cell.target)
            mark = f" {ok}" if cell.enough else ""
            bars.append(Bar(row.name, cell.valid, cell.target, f"{cell.valid} / {target}{mark}"))
        charts[audience] = progress_chart(
            bars,
            title=_(
                "Tiến độ: câu trả lời hợp lệ của %(audience)s so với mục tiêu",
                audience=names(audience).lower(),
            ),
            desc=_("Mỗi thanh là số câu trả lời của một tổ dân phố; vạch đen đứng là mục tiêu."),
        )
    return charts


def group_rate_chart(
    groups: Sequence,
    audiences: Sequence[str],
    names: Callable[[str], str],
    bands: Sequence[float],
    percent: Callable[[float], str],
    ward_rows: Sequence[Dot] = (),
) -> Markup:
    """Rates with 95 % intervals per group and audience (ward rows first), band bounds drawn."""

    def round_(value: float) -> str:
        return f"{value:.0f}"

    dots = list(ward_rows)
    for row in groups:
        for k in range(len(audiences)):
            cell = row.cells[k]
            text = _shown(cell.rate, percent)
            if not isinstance(cell.rate, Hidden) and cell.rate is not None:
                text += f" ({_shown(cell.low, round_)}–{_shown(cell.high, round_)})"
            dots.append(Dot(row.name, k, cell.rate, cell.low, cell.high, text))
    return rate_chart(
        dots,
        title=_("Tỷ lệ hài lòng theo tổ dân phố, với khoảng tin cậy 95%"),
        desc=_(
            "Chấm là tỷ lệ hài lòng, đoạn ngang là khoảng tin cậy 95%; đường đứt nét là "
            "các ranh giới điểm."
        ),
        bands=bands,
        axis=(_axis_start(dots, bands), 100.0),
        legend=[names(a) for a in audiences],
        percent=lambda v: f"{v:.0f}%",
    )


def _axis_start(dots: Sequence[Dot], bands: Sequence[float]) -> float:
    """Start the axis at a round 10 below every interval and band (0 when anything is low)."""
    lows = [float(d.low) for d in dots if isinstance(d.low, int | float)]
    lowest = min([*lows, *(b - 10 for b in bands), 100.0])
    return max(0.0, 10.0 * (lowest // 10))
