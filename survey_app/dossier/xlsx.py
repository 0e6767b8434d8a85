"""The score table as XLSX: scores with indicators, data sources and survey statistics.

Every text cell goes through :func:`survey_app.core.exports.safe_cell`, so a source note
typed as "=HYPERLINK(...)" is stored as text and never evaluated when the office opens the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from survey_app.core.exports import safe_cell
from survey_app.core.fonts import nfc
from survey_app.dossier.data import DossierData, RateCI
from survey_app.dossier.report import sorted_notes, unit_name, verdict
from survey_app.dossier.texts import text

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _append(ws: Worksheet, values: Sequence[Any], *, bold: bool = False) -> None:
    """Append one row, every value escaped (and NFC) through the one export helper."""
    ws.append([safe_cell(nfc(v) if isinstance(v, str) else v) for v in values])
    if bold:
        for cell in ws[ws.max_row]:
            cell.font = _BOLD


def _sheet(wb: Workbook, title: str, header: Sequence[str], widths: Sequence[int]) -> Worksheet:
    ws = wb.create_sheet(nfc(title))
    _append(ws, header, bold=True)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"  # the header row stays visible while scrolling
    return ws


def _scores(wb: Workbook, data: DossierData) -> None:
    lang, card = data.language, data.scorecard
    keys = ("col_no", "col_id", "col_criterion", "col_unit", "col_measured")
    header = [text(k, lang) for k in (*keys, "col_max", "col_points", "col_prov")]
    ws = _sheet(wb, text("sheet_scores", lang), header, (6, 22, 60, 26, 12, 12, 10, 10))
    for c in card.criteria:
        mark = "" if c.verified else "*"
        row = [c.number, c.id, c.name.get(lang), unit_name(data, c.unit), None]
        _append(ws, [*row, c.max_points, c.points, mark], bold=True)
        for ind in c.indicators:
            measured = None if ind.value is None else round(ind.value, 2)
            label = ind.label.get(lang)
            prov = "" if ind.verified else "*"
            _append(ws, [None, ind.id, label, None, measured, ind.max_points, ind.points, prov])
            ws.cell(ws.max_row, 3).alignment = Alignment(indent=2, wrap_text=True)
    _append(ws, [None, None, text("total_row", lang), None, None, card.max_total, card.total])
    ws.cell(ws.max_row, 3).font = ws.cell(ws.max_row, 7).font = _BOLD
    threshold = text("threshold_row", lang, locality=data.locality_label)
    _append(ws, [None, None, threshold, None, None, None, card.threshold])
    _append(ws, [None, None, text("verdict", lang), verdict(data)], bold=True)
    for reason in card.reasons:
        _append(ws, [None, None, reason.message(lang)])
    if card.provisional:
        _append(ws, [None, None, text("provisional_note", lang)])
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top", indent=cell.alignment.indent)


def _sources(wb: Workbook, data: DossierData) -> None:
    lang = data.language
    keys = ("col_no", "col_id", "col_input", "col_value", "col_unit_of", "col_note")
    header = [text(k, lang) for k in (*keys, "col_entered", "col_updated")]
    ws = _sheet(wb, text("sheet_sources", lang), header, (6, 26, 45, 10, 12, 50, 22, 17))
    order = {c.id: c.number for c in data.rules.criteria}
    for n in sorted_notes(data):
        number = order.get(n.criterion_id)
        row = [number, n.input_key, n.label, n.value, n.unit, n.note, n.entered_by, n.updated_at]
        _append(ws, row)
        ws.cell(ws.max_row, 8).number_format = "dd/mm/yyyy hh:mm"
        ws.cell(ws.max_row, 6).alignment = _WRAP


def _ci(rate: RateCI) -> list[float | None]:
    return [None if v is None else round(v, 2) for v in (rate.rate, rate.low, rate.high)]


def _survey(wb: Workbook, data: DossierData) -> None:
    lang, s = data.language, data.survey
    conf = round((s.confidence if s else 0.95) * 100)
    rate, rate_w = text("col_rate", lang, conf=conf), text("col_rate_w", lang, conf=conf)
    low, high = text("col_low", lang), text("col_high", lang)
    keys = ("col_audience", "col_valid", "col_satisfied", "col_target", "col_population")
    header = [*(text(k, lang) for k in keys), rate, low, high, rate_w, low, high]
    ws = _sheet(
        wb, text("sheet_survey", lang), header, (16, 12, 10, 12, 12, 16, 10, 10, 20, 10, 10)
    )
    if s is None:
        _append(ws, [text("survey_none", lang)])
        return
    for a in s.audiences:
        label = (
            text(f"aud_{a.audience}", lang) if a.audience in ("child", "resident") else a.audience
        )
        counts = [a.respondents, a.satisfied, a.target, a.population]
        _append(ws, [label, *counts, *_ci(a.rate), *_ci(a.rate_weighted)])
    row = [text("aud_combined", lang), None, None, None, None]
    _append(ws, [*row, *_ci(s.combined), *_ci(s.combined_weighted)], bold=True)
    _append(ws, [])
    _append(
        ws,
        [text("col_points", lang), s.points, None, None, None, None, None, None, s.points_weighted],
    )
    for points, probability in s.band_probabilities:
        _append(ws, [text("band_prob", lang, points=points, prob=""), round(100 * probability, 1)])
    _append(ws, ["flagged_excluded", s.flagged_excluded])
    _append(ws, ["qr_responses", s.qr_responses])
    _append(ws, ["paper_responses", s.paper_responses])


def render_score_xlsx(data: DossierData) -> bytes:
    """The score table workbook: sheets for scores, data sources and the survey."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    _scores(wb, data)
    _sources(wb, data)
    _survey(wb, data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
