"""Inline SVG charts: accessible, escaped, no colour-only meaning, hidden values stay hidden."""

from __future__ import annotations

from assessment import Hidden
from survey_app.core.charts import Bar, Dot, progress_chart, rate_chart


def test_progress_chart_is_accessible_and_marks_targets():
    svg = str(
        progress_chart(
            [Bar("Tổ <Mé>", 12, 30, "12 / 30"), Bar("Tổ 2", Hidden(5), 20, "<5 / 20")],
            title="Tiến độ",
            desc="Mỗi thanh là một tổ",
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "aria-labelledby" in svg
    assert "<title" in svg and "<desc" in svg
    assert "Tổ &lt;Mé&gt;" in svg and "<Mé>" not in svg  # names are escaped
    assert svg.count('class="target"') == 2  # a black tick per target, not a colour
    assert svg.count('class="bar"') == 1  # the hidden group gets no bar
    assert "&lt;5 / 20" in svg
    assert "style=" not in svg  # the CSP forbids inline styles


def test_rate_chart_draws_bands_and_shapes_and_skips_hidden():
    dots = [
        Dot("Tổ 1", 0, 80.0, 70.0, 88.0, "80%"),
        Dot("Tổ 1", 1, 60.0, 50.0, 70.0, "60%"),
        Dot("Tổ 2", 0, Hidden(5), Hidden(5), Hidden(5), "<5"),
    ]
    svg = str(
        rate_chart(
            dots,
            title="Tỷ lệ",
            desc="Khoảng tin cậy",
            bands=(50, 70, 80, 90),
            legend=("Trẻ em", "Người dân"),
        )
    )
    assert svg.count('class="band"') == 4
    assert svg.count('class="whisker"') == 2
    assert "<circle" in svg and "<rect" in svg  # two audiences, two shapes
    assert "Trẻ em" in svg and "Người dân" in svg and "&lt;5" in svg
