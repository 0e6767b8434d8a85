"""The score table as XLSX: scores with indicators, data sources and survey statistics.

Every text cell goes through :func:`survey_app.core.exports.safe_cell`, so a source note
typed as "=HYPERLINK(...)" is stored as text and never evaluated when the office opens the file.
Counts are stored as numbers (Excel sums them), moments as Vietnam-local datetimes under a
header that says so, and no internal key is written: headers and labels are in the dossier's
language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from survey_app.core.exports import safe_cell
from survey_app.core.fonts import nfc
from survey_app.dossier.data import DossierData, RateCI
from survey_app.dossier.parts import unit_name, verdict
from survey_app.dossier.report import audience_label, criterion_label, sorted_notes
from survey_app.dossier.texts import text, vietnam_time

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_INTEGER = re.compile(r"-?\d+")


def _amount(value: str) -> int | str:
    """A formatted count back as a number ("61" -> 61); other values (yes/no) stay text."""
    return int(value) if _INTEGER.fullmatch(value.strip()) else value


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
    keys = ("col_no", "col_criterion", "col_unit", "col_measured")
    header = [text(k, lang) for k in (*keys, "col_max", "col_points", "col_prov")]
    ws = _sheet(wb, text("sheet_scores", lang), header, (6, 60, 26, 12, 12, 10, 12))
    prov = text("prov_yes", lang)
    for c in card.criteria:
        row = [c.number, c.name.get(lang), unit_name(data, data.owner(c.id, c.unit)), None]
        _append(ws, [*row, c.max_points, c.points, "" if c.verified else prov], bold=True)
        for ind in c.indicators:
            measured = None if ind.value is None else round(ind.value, 2)
            label = ind.label.get(lang)
            mark = "" if ind.verified else prov
            _append(ws, [None, label, None, measured, ind.max_points, ind.points, mark])
            ws.cell(ws.max_row, 2).alignment = Alignment(indent=2, wrap_text=True)
    _append(ws, [None, text("total_row", lang), None, None, card.max_total, card.total])
    ws.cell(ws.max_row, 2).font = ws.cell(ws.max_row, 6).font = _BOLD
    threshold = text("threshold_row", lang, locality=data.locality_label)
    _append(ws, [None, threshold, None, None, None, card.threshold])
    _append(ws, [None, text("verdict", lang), verdict(data)], bold=True)
    for reason in card.reasons:
        _append(ws, [None, reason.message(lang)])
    if data.draft and data.provisional:
        _append(ws, [None, text("xlsx_draft", lang)], bold=True)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top", indent=cell.alignment.indent)


def _sources(wb: Workbook, data: DossierData) -> None:
    lang = data.language
    keys = ("col_no", "col_input", "col_value", "col_unit_of", "col_note")
    header = [text(k, lang) for k in (*keys, "col_entered", "col_updated")]
    ws = _sheet(wb, text("sheet_sources", lang), header, (8, 45, 10, 12, 50, 22, 24))
    order = {c.id: c.number for c in data.rules.criteria}
    for n in sorted_notes(data):
        number = order.get(n.criterion_id) or criterion_label(data, n.criterion_id)
        # Excel has no time zones: the moment is written as Vietnam wall time, as the header says.
        at = vietnam_time(n.updated_at).replace(tzinfo=None) if n.updated_at else None
        label = n.label[:1].upper() + n.label[1:]
        row = [number, label, _amount(n.value), n.unit, n.note, n.entered_by, at]
        _append(ws, row)
        ws.cell(ws.max_row, 7).number_format = "dd/mm/yyyy hh:mm"
        ws.cell(ws.max_row, 5).alignment = _WRAP


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
        label = audience_label(a.audience, lang)
        counts = [a.respondents, a.satisfied, a.target, a.population]
        _append(ws, [label, *counts, *_ci(a.rate), *_ci(a.rate_weighted)])
    row = [text("aud_combined", lang), None, None, None, None]
    _append(ws, [*row, *_ci(s.combined), *_ci(s.combined_weighted)], bold=True)
    _append(ws, [])
    _append(ws, [text("col_points", lang), s.points])
    _append(ws, [text("xlsx_points_w", lang), s.points_weighted])
    for points, probability in s.band_probabilities:
        _append(ws, [text("xlsx_band", lang, points=points), round(100 * probability, 1)])
    _append(ws, [text("xlsx_flagged", lang), s.flagged_excluded])
    _append(ws, [text("xlsx_qr", lang), s.qr_responses])
    _append(ws, [text("xlsx_paper", lang), s.paper_responses])


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
