"""The year of a plan as a small inline SVG: one bar per activity, coloured by its status,
and a line for today. Numbers on the bars match the numbered list under the chart, so the
chart stays readable on a 360 px phone (no long text inside the SVG)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from survey_app.plan.status import Status

ROW_H, TOP, LEFT, WIDTH = 18, 20, 22, 300
CLASSES = {
    Status.PLANNED: "tl-planned",
    Status.IN_PROGRESS: "tl-progress",
    Status.DONE: "tl-done",
    Status.OVERDUE: "tl-overdue",
}


@dataclass(frozen=True, slots=True)
class Bar:
    """One activity on the chart."""

    number: int
    start: dt.date
    due: dt.date
    status: Status
    label: str  # read by screen readers (the <title> of the bar)


def _x(day: dt.date, year: int) -> float:
    first = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first).days
    clamped = min(max(day, first), dt.date(year, 12, 31))
    return LEFT + WIDTH * (clamped - first).days / days


def timeline_svg(
    year: int, bars: Sequence[Bar], today: dt.date, month_labels: Sequence[str], title: str
) -> Markup:
    """The SVG of ``bars`` across ``year`` (months labelled ``month_labels``, 12 of them)."""
    height = TOP + ROW_H * len(bars) + 4
    parts = [
        f'<svg class="timeline" viewBox="0 0 {LEFT + WIDTH + 4} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for month in range(12):
        x = _x(dt.date(year, month + 1, 1), year)
        parts.append(
            f'<line class="tl-grid" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{height}"/>'
        )
        parts.append(
            f'<text class="tl-month" x="{x + 12.5:.1f}" y="12" '
            f'text-anchor="middle">{escape(month_labels[month])}</text>'
        )
    for row, bar in enumerate(bars):
        y = TOP + row * ROW_H
        x1, x2 = _x(bar.start, year), _x(bar.due + dt.timedelta(days=1), year)
        parts.append(
            f"<g><title>{escape(bar.label)}</title>"
            f'<text class="tl-num" x="{LEFT - 3}" y="{y + 13}" text-anchor="end">{bar.number}'
            f'</text><rect class="{CLASSES[bar.status]}" x="{x1:.1f}" y="{y + 2}" '
            f'width="{max(x2 - x1, 2):.1f}" height="{ROW_H - 4}" rx="2"/></g>'
        )
    if today.year == year:
        x = _x(today, year)
        parts.append(
            f'<line class="tl-today" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height}"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
