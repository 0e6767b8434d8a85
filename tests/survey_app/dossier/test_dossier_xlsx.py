"""The score XLSX: numbers as numbers, Vietnam time, translated headers; export escaping."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from survey_app.core.exports import csv_bytes, safe_cell, safe_csv_row
from survey_app.demo.dossier_example import example_dossier
from survey_app.dossier.data import DossierData, SourceNote
from survey_app.dossier.pdf import render_score_xlsx
from tests.survey_app.dossier.helpers import ENGLISH_KEYS, leaked_keys

INJECTIONS = ('=HYPERLINK("http://x.invalid","bấm")', "+1", "-2", "@SUM(A1:A2)", "\tx", "\rx")


@pytest.fixture(scope="module")
def draft() -> DossierData:
    return example_dossier()


def _rows(data: DossierData) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(render_score_xlsx(data)))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_xlsx_matches_scorecard(draft: DossierData) -> None:
    book = load_workbook(io.BytesIO(render_score_xlsx(draft)))
    assert book.sheetnames == ["Bảng điểm", "Nguồn số liệu", "Khảo sát"]
    scores = book["Bảng điểm"]
    assert scores.freeze_panes == "A2" and scores["A1"].font.bold
    rows = list(scores.iter_rows(values_only=True))
    assert rows[0] == (
        "TT",
        "Tiêu chí",
        "Đơn vị phụ trách",
        "Giá trị đo",
        "Điểm tối đa",
        "Điểm đạt",
        "Tạm tính",
    )
    by_number = {r[0]: r for r in rows[1:] if r[0]}
    for c in draft.scorecard.criteria:
        row = by_number[c.number]
        assert (row[1], row[4], row[5]) == (c.name.vi, c.max_points, c.points)
        assert row[6] == ("tạm tính" if not c.verified else None)
    total = next(r for r in rows if r[1] == "Tổng cộng")
    assert (total[4], total[5]) == (draft.scorecard.max_total, draft.scorecard.total)
    assert any(r[5] == draft.scorecard.threshold for r in rows if r[1] and "Ngưỡng" in r[1])
    assert any(r[2] and "CHƯA ĐẠT" in r[2] for r in rows)
    assert any(r[1] and r[1].startswith("DỰ THẢO") for r in rows)


def test_xlsx_numbers_are_numbers_and_times_are_vietnam_time(draft: DossierData) -> None:
    book = load_workbook(io.BytesIO(render_score_xlsx(draft)))
    sources = list(book["Nguồn số liệu"].iter_rows(values_only=True))
    assert sources[0][-1] == "Cập nhật (giờ Việt Nam)"
    births = next(r for r in sources if r[1] == "Trẻ em sinh ra trong kỳ")
    assert births[2] == 61 and isinstance(births[2], int)
    shared = next(r for r in sources if r[0] == "Chung")
    assert isinstance(shared[2], int)
    # Stored 02:30 UTC: written as 09:30, the Vietnam wall time the header announces.
    assert births[-1] == dt.datetime(2024, 11, 5, 9, 30)
    survey = list(book["Khảo sát"].iter_rows(values_only=True))
    assert draft.survey is not None
    assert survey[1][1] == draft.survey.audiences[0].respondents
    labels = [r[0] for r in survey]
    assert "Phiếu bị gắn cờ, không tính" in labels and "Phiếu giấy" in labels
    every = " ".join(
        str(v)
        for ws in book.worksheets
        for r in ws.iter_rows(values_only=True)
        for v in r
        if v is not None
    )
    assert leaked_keys(every) == []


def test_xlsx_english_headers() -> None:
    rows = _rows(example_dossier(language="en"))
    assert list(rows) == ["Scores", "Data sources", "Survey"]
    assert rows["Scores"][0][:3] == ("No.", "Criterion", "Owner unit")
    assert rows["Data sources"][0][-1] == "Updated (Vietnam time)"
    every = " ".join(str(v) for sheet in rows.values() for r in sheet for v in r if v is not None)
    assert leaked_keys(every, ENGLISH_KEYS) == []


@pytest.mark.parametrize("value", INJECTIONS)
def test_xlsx_stores_formula_like_notes_as_text(draft: DossierData, value: str) -> None:
    note = SourceNote("c2", "c2.births", value, value, value, "", value)
    book = load_workbook(
        io.BytesIO(render_score_xlsx(dataclasses.replace(draft, source_notes=(note,))))
    )
    row = next(book["Nguồn số liệu"].iter_rows(min_row=2, max_row=2))
    for cell in row[1:6]:
        if cell.value in (None, "") or isinstance(cell.value, int):  # "-2" as a count is a number
            continue
        assert cell.data_type == "s", cell.value
        # XML may read a carriage return back as a line feed; the quote prefix is what matters.
        assert cell.value in ("'" + value, "'" + value.replace("\r", "\n"))
    raw = render_score_xlsx(dataclasses.replace(draft, source_notes=(note,)))
    assert b"<f>" not in _sheet_xml(raw)


def _sheet_xml(xlsx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("value", INJECTIONS)
def test_safe_cell_neutralises(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert safe_csv_row([value, 3, None]) == ["'" + value, 3, ""]


@pytest.mark.parametrize("value", ["Sổ hộ tịch", "a=b", "", "1-2", -2, 3.5, None, True])
def test_safe_cell_leaves_harmless_values(value: object) -> None:
    assert safe_cell(value) == value


def test_csv_bytes_escapes_and_keeps_vietnamese() -> None:
    data = csv_bytes([["Ghi chú", "Số"], ["=1+1", -2], ["Dĩnh Kế", "@x"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Ghi chú", "Số"], ["'=1+1", "-2"], ["Dĩnh Kế", "'@x"]]
    assert not any(re.match(r"[=+@]", cell) for row in rows for cell in row)
