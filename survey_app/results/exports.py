"""Survey exports: aggregates (CSV, XLSX) with suppression applied, and anonymised raw answers.

Aggregates are written from the same suppressed results the dashboard shows: a hidden cell
is written as its label "<5", never as a number, and nothing derived from it is written.
Every cell goes through `survey_app.core.exports.safe_cell` (formula-injection escaping).
The raw export holds no token, submission key or database id: rows are numbered 1..N.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from assessment import Hidden, load_instrument, question_breakdown
from survey_app.core.exports import csv_bytes, safe_cell
from survey_app.results.counts import FLAG_NAMES, answers_by_response, response_rows
from survey_app.results.figures import Dashboard, Figures

AGGREGATE_HEADER = (
    "figures",
    "kind",
    "group_id",
    "group",
    "audience",
    "question",
    "answer",
    "count",
    "share_percent",
    "rate_percent",
    "low_percent",
    "high_percent",
)


def _value(value: Any, digits: int = 2) -> Any:
    """A cell value: Hidden → "<5", floats rounded, None → empty."""
    if isinstance(value, Hidden):
        return str(value)
    if isinstance(value, float):
        return round(value, digits)
    return value


def _rows_of(view: Dashboard, figures: Figures, names: dict[int, str]) -> Iterator[tuple]:
    label = "with_flagged" if figures.include_flagged else "without_flagged"
    instrument = load_instrument(view.instrument_version)
    for a in figures.rates.audiences:
        total = dict(figures.table.audience_totals).get(a.audience, 0)
        hidden = isinstance(total, Hidden)
        for kind, est in (("ward_rate", a.unweighted), ("ward_rate_weighted", a.weighted)):
            yield (
                label,
                kind,
                "",
                "",
                a.audience,
                "",
                "",
                total,
                "",
                *(("<5",) * 3 if hidden else (est.rate, est.low, est.high)),
            )
    combined_hidden = view.combined_hidden
    for kind, est in (
        ("criterion13_rate", figures.rates.combined),
        ("criterion13_rate_weighted", figures.rates.combined_weighted),
    ):
        numbers = ("<5",) * 3 if combined_hidden else (est.rate, est.low, est.high)
        yield (label, kind, "", "", "", "", "", figures.table.grand_total, "", *numbers)
    for r in figures.table.rows:
        name = names.get(int(r.group_id), "")
        yield (
            label,
            "group_rate",
            r.group_id,
            name,
            r.audience,
            "",
            "",
            r.valid,
            "",
            r.rate,
            r.low,
            r.high,
        )
    values = list(instrument.scale_values)
    for audience in figures.counts.audiences:
        if audience not in instrument.audience_ids:
            continue
        for question in instrument.audience(audience).questions:
            table = question_breakdown(figures.counts, question.id, audience, values=values)
            for i, group_id in enumerate(table.rows):
                for j, answer in enumerate(table.columns):
                    yield (
                        label,
                        "answers",
                        group_id,
                        names.get(int(group_id), ""),
                        audience,
                        question.id,
                        answer,
                        table.cells[i][j],
                        table.shares[i][j],
                        "",
                        "",
                        "",
                    )
            for j, answer in enumerate(table.columns):
                total = table.column_totals[j] if table.column_totals else ""
                yield (
                    label,
                    "answers_ward",
                    "",
                    "",
                    audience,
                    question.id,
                    answer,
                    total,
                    "",
                    "",
                    "",
                    "",
                )


def aggregate_rows(view: Dashboard) -> list[tuple]:
    """Header + every aggregate row, without and with flagged answers (suppression applied)."""
    names = {row.group_id: row.name for row in view.groups}
    rows: list[tuple] = [AGGREGATE_HEADER]
    for figures in (view.clean, view.everything):
        rows += [tuple(_value(v) for v in row) for row in _rows_of(view, figures, names)]
    return rows


def aggregates_csv(view: Dashboard) -> bytes:
    """The aggregates as CSV (UTF-8 with BOM, every cell escaped)."""
    return csv_bytes(aggregate_rows(view))


def aggregates_xlsx(view: Dashboard) -> bytes:
    """The aggregates as an XLSX workbook (one sheet, every text cell escaped)."""
    from openpyxl import Workbook  # lazy: only exports need it

    book = Workbook()
    sheet = book.active
    sheet.title = "aggregates"
    for row in aggregate_rows(view):
        sheet.append([safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def responses_csv(session: Session, round_id: int, instrument_version: str) -> bytes:
    """Anonymised raw answers of a round: one row per response, numbered 1..N.

    Nothing links a row to a poster token, a submission key or a database id.
    """
    instrument = load_instrument(instrument_version)
    questions = list(dict.fromkeys(q.id for a in instrument.audiences for q in a.questions))
    header = [
        "row",
        "group",
        "audience",
        "age_band",
        "gender",
        "channel",
        "day",
        "duration_s",
        *(f"flag_{f}" for f in FLAG_NAMES),
        "review",
        "counted",
        *(f"q_{q}" for q in questions),
        "comment",
    ]
    answers = answers_by_response(session, round_id)
    rows: list[list[Any]] = [header]
    for number, (response, group_name) in enumerate(response_rows(session, round_id), start=1):
        given = answers.get(response.id, {})
        rows.append(
            [
                number,
                group_name,
                response.audience,
                response.age_band,
                response.gender,
                response.channel,
                response.day.isoformat(),
                response.duration_s,
                *(int(getattr(response, f"flag_{f}")) for f in FLAG_NAMES),
                response.review,
                int(not response.counts_as_flagged),
                *(given.get(q, "") for q in questions),
                response.comment,
            ]
        )
    return csv_bytes(rows)
