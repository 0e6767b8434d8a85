"""Survey exports: aggregates (CSV, XLSX) with suppression applied, and anonymised raw answers.

Aggregates are written from the same suppressed results the dashboard shows: a hidden cell
is written as its label "<5", never as a number, and nothing derived from it is written.
Every cell goes through `survey_app.core.exports.safe_cell` (formula-injection escaping).
The raw export holds no token, submission key or database id: rows are numbered 1..N.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from assessment import SUPPRESSION_THRESHOLD, Hidden, load_instrument, question_breakdown
from survey_app.core.exports import csv_bytes, safe_cell
from survey_app.results.counts import FLAG_NAMES, answers_by_response, response_rows
from survey_app.results.figures import Dashboard, Figures
from survey_app.results.masking import mask_comment

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


# Columns that could single a child out (with the group): left out of every child's row.
CHILD_WITHHELD = ("age_band", "gender", "channel", "day", "duration_s")


def responses_csv(session: Session, round_id: int, instrument_version: str) -> bytes:
    """Anonymised raw answers of a round: one row per response, numbered 1..N.

    Nothing links a row to a poster token, a submission key or a database id. Comments are
    masked (`mask_comment`). Children's rows get the small-cell protection of the tables:
    no age band, gender, channel, day or duration (they could single a child out), no comment
    unless a reviewer marked it quotable, the group only when at least SUPPRESSION_THRESHOLD
    children of that group are in the file, and the children of small groups are pooled
    without a group, or left out when even the pool is a small cell. Children's rows follow
    the residents' in an order unrelated to when they answered.
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
    residents: list[list[Any]] = []
    children: list[list[Any]] = []
    for response, group_name in response_rows(session, round_id):
        given = answers.get(response.id, {})
        child = response.audience == "child"
        comment = mask_comment(response.comment)
        if child and response.comment_review != "quotable":
            comment = None
        row = [
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
            comment,
        ]
        if child:
            for column in CHILD_WITHHELD:
                row[header.index(column) - 1] = ""
            children.append(row)
        else:
            residents.append(row)
    rows: list[list[Any]] = [header]
    for number, row in enumerate(residents + protect_children(children), start=1):
        rows.append([number, *row])
    return csv_bytes(rows)


def protect_children(rows: list[list[Any]], threshold: int = SUPPRESSION_THRESHOLD) -> list:
    """Children's rows (group first) with no group of fewer than ``threshold`` children.

    Rows of small groups lose their group and are pooled; if the pool itself is smaller than
    ``threshold`` it is left out (it would name the one small group by elimination). The rows
    are sorted by group and answers, so their order says nothing about time.
    """
    sizes = Counter(row[0] for row in rows)
    kept = [row for row in rows if sizes[row[0]] >= threshold]
    pooled = [["", *row[1:]] for row in rows if sizes[row[0]] < threshold]
    if len(pooled) >= threshold:
        kept += pooled
    return sorted(kept, key=lambda row: tuple(str(v) for v in row))
