"""The dossier PDF and score XLSX: figures, conventions, watermark, layout and export escaping."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment import Text
from survey_app.core.exports import csv_bytes, safe_cell, safe_csv_row
from survey_app.dossier.data import DossierData, SourceNote, example_dossier
from survey_app.dossier.pdf import render_dossier_pdf, render_score_xlsx

INJECTIONS = ('=HYPERLINK("http://x.invalid","bấm")', "+1", "-2", "@SUM(A1:A2)", "\tx", "\rx")


@pytest.fixture(scope="module")
def draft() -> DossierData:
    return example_dossier()


@pytest.fixture(scope="module")
def draft_pdf(draft: DossierData) -> bytes:
    return render_dossier_pdf(draft)


def pdf_text(pdf: bytes) -> tuple[str, int]:
    """All extracted text (NFC, whitespace collapsed) and the page count."""
    reader = PdfReader(io.BytesIO(pdf))
    raw = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", raw).split()), len(reader.pages)


def test_pdf_carries_figures_and_conventions(draft: DossierData, draft_pdf: bytes) -> None:
    text, pages = pdf_text(draft_pdf)
    card = draft.scorecard
    assert f"Tổng điểm {card.total}/{card.max_total}, ngưỡng {card.threshold} điểm" in text
    assert "CHƯA ĐẠT chuẩn phường phù hợp với trẻ em" in text
    for reason in card.reasons:
        assert reason.message("vi") in text
    assert "UBND PHƯỜNG DĨNH KẾ" in text and "phường Dĩnh Kế" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nơi nhận:" in text and "TM. ỦY BAN NHÂN DÂN" in text
    assert "Dĩnh Kế, ngày 28 tháng 11 năm 2024" in text
    assert "Số: ....../BC-UBND" in text
    for title in ("TỜ TRÌNH", "BÁO CÁO", "BIÊN BẢN"):
        assert title in text
    head_id, head_hash = draft.audit_head
    assert text.count(f"Chuỗi nhật ký: #{head_id} {head_hash[:16]}") >= pages
    assert "Điểm tạm tính, cần đối chiếu Quyết định 06/QĐ-TTg, Điều 2 khoản 2" in text
    assert 5 <= pages <= 15


def test_every_page_has_footer_numbered(draft_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(draft_pdf))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Trang {number}/{total}" in (page.extract_text() or "")


def test_survey_section_printed(draft: DossierData, draft_pdf: bytes) -> None:
    text, _ = pdf_text(draft_pdf)
    assert draft.survey is not None
    assert "KHẢO SÁT MỨC ĐỘ HÀI LÒNG (TIÊU CHÍ 13)" in text
    assert "82,5% (76,3–87,2)" in text  # children, unweighted, with its 95% interval
    assert "Có trọng số (KTC 95%)" in text
    assert f"{draft.survey.qr_responses} phiếu" in text
    assert f"{draft.survey.flagged_excluded} phiếu bị gắn cờ" in text


def test_draft_watermark_iff_not_locked(draft_pdf: bytes) -> None:
    locked_text, _ = pdf_text(render_dossier_pdf(example_dossier(locked=True)))
    draft_text, _ = pdf_text(draft_pdf)
    assert "DỰ THẢO / DRAFT" in draft_text
    assert "DRAFT" not in locked_text and "DỰ THẢO" not in locked_text
    assert "Đã khóa bởi Vũ Văn Trung" in locked_text


def test_long_criterion_name_wraps_and_all_rows_print(draft: DossierData) -> None:
    long_name = "Tiêu chí thử nghiệm có tên rất dài " * 8
    criteria = list(draft.scorecard.criteria)
    criteria[0] = dataclasses.replace(criteria[0], name=Text(long_name, long_name))
    card = dataclasses.replace(draft.scorecard, criteria=tuple(criteria))
    text, _ = pdf_text(render_dossier_pdf(dataclasses.replace(draft, scorecard=card)))
    for c in criteria[1:]:
        assert c.name.vi in text
    assert "Tiêu chí thử nghiệm có tên rất dài Tiêu chí" in text  # wrapped, not cut
    assert text.count("Tổng cộng") == 2  # report and minutes tables both complete


def test_user_text_is_escaped_in_pdf(draft: DossierData) -> None:
    note = SourceNote("c2", "c2.births", "Số trẻ sinh", "61", "Sổ <hộ tịch> & báo cáo", "trẻ em")
    text, _ = pdf_text(render_dossier_pdf(dataclasses.replace(draft, source_notes=(note,))))
    assert "Sổ <hộ tịch> & báo cáo" in text


def test_decomposed_input_prints_nfc(draft: DossierData) -> None:
    ward = unicodedata.normalize("NFD", "Phường Dĩnh Kế")
    text, _ = pdf_text(render_dossier_pdf(dataclasses.replace(draft, ward_name=ward)))
    assert "phường Dĩnh Kế" in text


def test_english_version() -> None:
    data = example_dossier(language="en")
    text, pages = pdf_text(render_dossier_pdf(data))
    card = data.scorecard
    assert f"Total {card.total}/{card.max_total}, threshold {card.threshold}" in text
    assert "DOES NOT YET QUALIFY" in text
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text and "Recipients:" in text
    assert f"Audit chain: #{data.audit_head[0]}" in text
    assert "Page 1/" in text and 5 <= pages <= 15
    assert card.reasons[0].message("en") in text


def _sheets(data: DossierData) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(render_score_xlsx(data)))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_xlsx_matches_scorecard(draft: DossierData) -> None:
    book = load_workbook(io.BytesIO(render_score_xlsx(draft)))
    assert book.sheetnames == ["Bảng điểm", "Nguồn số liệu", "Khảo sát"]
    scores = book["Bảng điểm"]
    assert scores.freeze_panes == "A2" and scores["A1"].font.bold
    rows = list(scores.iter_rows(values_only=True))
    by_id = {r[1]: r for r in rows[1:] if r[1]}
    for c in draft.scorecard.criteria:
        row = by_id[c.id]
        assert (row[0], row[2], row[5], row[6]) == (c.number, c.name.vi, c.max_points, c.points)
        assert row[7] == ("" if c.verified else "*") or (c.verified and row[7] is None)
    total = next(r for r in rows if r[2] == "Tổng cộng")
    assert (total[5], total[6]) == (draft.scorecard.max_total, draft.scorecard.total)
    assert any(r[6] == draft.scorecard.threshold for r in rows if r[2] and "Ngưỡng" in r[2])
    assert any(r[3] and "CHƯA ĐẠT" in r[3] for r in rows)
    survey = list(book["Khảo sát"].iter_rows(values_only=True))
    assert draft.survey is not None
    assert survey[1][1] == draft.survey.audiences[0].respondents


@pytest.mark.parametrize("value", INJECTIONS)
def test_xlsx_stores_formula_like_notes_as_text(draft: DossierData, value: str) -> None:
    note = SourceNote("c2", "c2.births", value, value, value, "", value)
    book = load_workbook(
        io.BytesIO(render_score_xlsx(dataclasses.replace(draft, source_notes=(note,))))
    )
    row = next(book["Nguồn số liệu"].iter_rows(min_row=2, max_row=2))
    for cell in row[2:7]:
        if cell.value in (None, ""):
            continue
        assert cell.data_type == "s", cell.value
        # XML reads a carriage return back as a line feed; the quote prefix is what matters.
        assert cell.value == "'" + value.replace("\r", "\n")
    raw = render_score_xlsx(dataclasses.replace(draft, source_notes=(note,)))
    assert b"<f>" not in _sheet_xml(raw)


def _sheet_xml(xlsx: bytes) -> bytes:
    import zipfile

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
