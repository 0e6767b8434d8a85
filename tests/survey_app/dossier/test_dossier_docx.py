"""The DOCX dossier and posting notice: same content and format as the PDF (one content model)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from survey_app.demo.dossier_example import example_dossier
from survey_app.dossier.data import Posting
from survey_app.dossier.notice import notice_data, render_notice_docx, render_notice_pdf
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.word import render_dossier_docx
from tests.survey_app.dossier.helpers import docx_text, leaked_keys, pdf_pages, pdf_text


@pytest.fixture(scope="module")
def passing_docx() -> bytes:
    return render_dossier_docx(example_dossier(passing=True))


def test_docx_page_format_and_font(passing_docx):
    doc = Document(io.BytesIO(passing_docx))
    assert len(doc.sections) == 3  # one per document: letter, report, minutes
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        margins = (section.top_margin, section.bottom_margin, section.left_margin)
        assert tuple(round(m.mm) for m in margins) == (20, 20, 30)
        assert round(section.right_margin.mm) == 15
        assert section.different_first_page_header_footer
    assert doc.styles["Normal"].font.name == "Times New Roman"
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    head = doc.tables[0]
    left, right = (c.text for c in head.rows[0].cells)
    assert left.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG DĨNH KẾ"]
    assert right.split("\n")[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    number, place = (c.text for c in head.rows[1].cells)
    assert (number, place) == ("Số: 15/TTr-UBND", "Dĩnh Kế, ngày 09 tháng 12 năm 2024")
    bold = [r.text for c in head.rows[0].cells for p in c.paragraphs for r in p.runs if r.bold]
    assert "PHƯỜNG DĨNH KẾ" in bold and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in bold
    italic = [r.text for p in head.rows[1].cells[1].paragraphs for r in p.runs if r.italic]
    assert italic == ["Dĩnh Kế, ngày 09 tháng 12 năm 2024"]


def test_docx_says_what_the_pdf_says(passing_docx):
    data = example_dossier(passing=True)
    docx, pdf = docx_text(passing_docx), pdf_text(render_dossier_pdf(data))
    for expected in (
        "TỜ TRÌNH",
        "Kính gửi: Chủ tịch UBND thành phố Bắc Giang.",
        "Số: 15/TTr-UBND",
        "Số: 12/BC-UBND",
        "Số: 03/BB-HĐĐG",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Phê duyệt lần 1: Vũ Văn Trung, 27/11/2024 06:40",
        "Lê Thị Mai, Trưởng Trạm Y tế phường, Ủy viên;",
        "Kết quả biểu quyết: 5/5 thành viên có mặt tán thành, 0 không tán thành.",
        "Trưởng Trạm Y tế phường",
        "DỰ THẢO",
        "- Lưu: VT, VHXH.",
    ):
        assert expected in docx, expected
        assert expected in pdf, expected
    assert docx.count("15/TTr-UBND") == pdf.count("15/TTr-UBND") == 1
    assert leaked_keys(docx) == []


def test_docx_of_a_failing_round_has_no_letter_and_no_mark_when_verified():
    failing = docx_text(render_dossier_docx(example_dossier()))
    assert "TỜ TRÌNH" not in failing and "Kính gửi" not in failing
    assert "BÁO CÁO" in failing and "BIÊN BẢN" in failing
    verified = docx_text(render_dossier_docx(example_dossier(passing=True, verified=True)))
    assert "DỰ THẢO" not in verified and "TỜ TRÌNH" in verified


NOTICE_ARGS = {
    "number": "7",
    "feedback_to": "Công chức Văn hóa - Xã hội, UBND phường Dĩnh Kế, điện thoại 0204 3855 123",
    "feedback_url": "https://khaosat.example.vn/cong-khai/dinh-ke",
}


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_posting_notice(fmt):
    data = example_dossier(passing=True, verified=True)
    notice = notice_data(data, Posting(dt.date(2024, 11, 28), dt.date(2024, 12, 7)), **NOTICE_ARGS)
    if fmt == "pdf":
        pages = pdf_pages(render_notice_pdf(notice))
        text = " ".join(pages)
        assert "THÔNG BÁO" in pages[0] and "Số: 07/TB-UBND" in pages[0]
    else:
        text = docx_text(render_notice_docx(notice))
    assert "Dĩnh Kế, ngày 28 tháng 11 năm 2024" in text
    assert "Niêm yết công khai kết quả tự đánh giá phường Dĩnh Kế" in text
    for c in data.scorecard.criteria:
        assert c.name.vi in text
    card = data.scorecard
    assert f"Tổng điểm: {card.total}/{card.max_total} điểm." in text
    assert f"{card.threshold} điểm" in text and "Kết quả: ĐẠT chuẩn" in text
    assert "từ ngày 28/11/2024 đến hết ngày 07/12/2024 (10 ngày)" in text
    assert NOTICE_ARGS["feedback_to"] in text and NOTICE_ARGS["feedback_url"] in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Vũ Văn Trung" in text
    assert "DỰ THẢO" not in text and leaked_keys(text) == []


def test_posting_notice_of_provisional_rules_is_a_draft():
    notice = notice_data(example_dossier(), Posting(dt.date(2024, 11, 28), dt.date(2024, 12, 7)))
    pages = pdf_pages(render_notice_pdf(notice))
    assert all("DỰ THẢO" in page for page in pages)
    assert "CHƯA ĐẠT" in " ".join(pages) and "Số: ....../TB-UBND" in pages[0]
