"""The dossier PDF: the right documents for the result, Decree 30 conventions, people, no keys."""

from __future__ import annotations

import dataclasses
import io
import unicodedata

import pytest
from pypdf import PdfReader

from assessment import Text
from survey_app.demo.dossier_example import example_dossier
from survey_app.dossier.data import LETTER, MINUTES, REPORT, DossierData, Override, SourceNote
from survey_app.dossier.pdf import render_dossier_pdf
from tests.survey_app.dossier.helpers import ENGLISH_KEYS, leaked_keys, pdf_pages, pdf_text


@pytest.fixture(scope="module")
def failing() -> DossierData:
    return example_dossier()


@pytest.fixture(scope="module")
def passing() -> DossierData:
    return example_dossier(passing=True)


@pytest.fixture(scope="module")
def failing_pdf(failing: DossierData) -> bytes:
    return render_dossier_pdf(failing)


@pytest.fixture(scope="module")
def passing_pdf(passing: DossierData) -> bytes:
    return render_dossier_pdf(passing)


def test_the_data_says_which_documents_a_round_gets(failing, passing):
    assert not failing.scorecard.recognised and failing.documents == (REPORT, MINUTES)
    assert passing.scorecard.recognised and passing.documents == (LETTER, REPORT, MINUTES)


def test_a_failing_round_gets_no_request_letter(failing, failing_pdf):
    text = pdf_text(failing_pdf)
    assert "TỜ TRÌNH" not in text and "Kính gửi" not in text
    assert "kính trình" not in text.lower() and "xem xét, công nhận" not in text
    assert "Tờ trình chỉ gửi" not in text  # no "only send if passed" note anywhere
    assert "BÁO CÁO" in text and "BIÊN BẢN" in text
    assert "CHƯA ĐẠT chuẩn phường phù hợp với trẻ em" in text
    # What it lacks: the shortfall and the steps, in the report and again in the minutes.
    assert text.count("còn thiếu 65 điểm") >= 2
    assert "Những nội dung phường còn thiếu:" in text
    assert "Phường chưa đủ điều kiện đề nghị công nhận" in text


def test_a_passing_round_gets_the_letter_first(passing, passing_pdf):
    pages = pdf_pages(passing_pdf)
    assert "TỜ TRÌNH" in pages[0]
    assert "Kính gửi: Chủ tịch UBND thành phố Bắc Giang." in pages[0]
    assert "ĐẠT chuẩn phường phù hợp với trẻ em" in pages[0]
    assert "CHƯA ĐẠT" not in " ".join(pages)


def test_header_number_date_and_signer_follow_decree_30(passing_pdf):
    first = pdf_pages(passing_pdf)[0]
    assert "ỦY BAN NHÂN DÂN PHƯỜNG DĨNH KẾ" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in first
    # Typed "15/TTr-UBND": printed once; the letter is dated from the recorded send date.
    assert first.count("15/TTr-UBND") == 1 and "Số: 15/TTr-UBND" in first
    assert "TTr-UBND/TTr-UBND" not in first
    assert "Dĩnh Kế, ngày 09 tháng 12 năm 2024" in first
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in first
    assert "Vũ Văn Trung" in first
    assert "Nơi nhận: - Như trên;" in first and "- Lưu: VT, VHXH." in first
    assert "......" not in first  # nothing left to fill by hand on the letter


def test_every_document_is_numbered_on_its_own_from_page_two():
    pdf = render_dossier_pdf(example_dossier(passing=True, verified=True))
    reader = PdfReader(io.BytesIO(pdf))
    starts = [
        i
        for i, page in enumerate(reader.pages)
        if any(t in (page.extract_text() or "") for t in ("TỜ TRÌNH", "BÁO CÁO\n", "BIÊN BẢN"))
    ]
    assert len(starts) == 3 and starts[0] == 0
    margins = [top_margin_text(page) for page in reader.pages]
    for start, end in zip(starts, [*starts[1:], len(margins)], strict=True):
        assert margins[start] == ""  # no number on a document's first page
        for number, margin in enumerate(margins[start + 1 : end], start=2):
            assert margin == str(number)


def top_margin_text(page: object) -> str:
    """The text drawn in the page's top margin (above 277 mm from the bottom)."""
    found: list[str] = []

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text.strip() and tm[5] > 277 * 72 / 25.4:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return " ".join(found)


def test_report_number_typed_bare_gets_its_symbol(failing_pdf):
    first = pdf_pages(failing_pdf)[0]
    assert "Số: 12/BC-UBND" in first and "Dĩnh Kế, ngày 28 tháng 11 năm 2024" in first


def test_minutes_list_the_council_as_people(failing, failing_pdf):
    text = pdf_text(failing_pdf)
    assert "Chủ trì: Vũ Văn Trung, Phó Chủ tịch UBND phường, Chủ tịch Hội đồng." in text
    assert "Thành viên Hội đồng (5/6 có mặt):" in text
    for member in failing.council.members:
        assert f"{member.name}, {member.position}" in text
    assert "Hoàng Thị Lan, Hiệu trưởng Trường THCS Dĩnh Kế, Ủy viên (vắng mặt)" in text
    assert "Kết quả biểu quyết: 0/5 thành viên có mặt tán thành, 5 không tán thành." in text
    assert "Thư ký: Đỗ Minh Tuấn." in text
    assert "CHỦ TỊCH HỘI ĐỒNG" in text
    # The signature sheet: every member present, with the position in the "Chức vụ" column.
    sheet = text[text.index("Chữ ký của các thành viên Hội đồng") :]
    for i, member in enumerate(m for m in failing.council.members if m.attended):
        assert f"{i + 1} {member.name} {member.position}" in sheet
    assert "Hoàng Thị Lan" not in sheet


def test_minutes_print_recorded_times_in_vietnam_time(failing_pdf):
    text = pdf_text(failing_pdf)
    # Stored 2024-11-26 23:40 UTC: 06:40 the next morning in Vietnam.
    assert "Phê duyệt lần 1: Vũ Văn Trung, 27/11/2024 06:40" in text
    assert "26/11/2024" not in text
    assert "(giờ Việt Nam)" in text
    assert "Đã khóa bởi Vũ Văn Trung lúc 27/11/2024 10:20 (giờ Việt Nam)." in text


def test_no_internal_key_in_print(failing_pdf, passing_pdf):
    for pdf in (failing_pdf, passing_pdf):
        text = pdf_text(pdf)
        assert leaked_keys(text) == []
        assert "Chung" in text  # the shared figures' row, where the "ward" key used to be
        assert "Bước hiện tại của hồ sơ: đ" in text  # the step in words, not its key
        assert "Chuỗi nhật ký" not in text and "(Ký, ghi rõ họ tên, đóng dấu)" not in text


def test_draft_mark_on_every_page_iff_provisional_rows(failing_pdf):
    pages = pdf_pages(failing_pdf)
    assert all("DỰ THẢO" in page for page in pages)
    text = " ".join(pages)
    assert "PHỤ LỤC. CÁC DÒNG QUY TẮC TẠM TÍNH" in text
    assert "(Kèm theo Báo cáo số 12/BC-UBND ngày 28 tháng 11 năm 2024 của UBND phường" in text
    # The annex follows the report's signature (and starts its own page).
    report_end = text.index("Lưu: VT, VHXH.")
    assert report_end < text.index("PHỤ LỤC") < text.index("BIÊN BẢN")
    annex = next(page for page in pages if "PHỤ LỤC" in page)
    assert "Nơi nhận" not in annex and "THÔNG TIN XÁC THỰC" not in annex
    assert "Chỉ số: Tỷ suất trẻ em bị tai nạn, thương tích trên 1.000 trẻ em" in text
    assert "*" not in text  # no asterisk on every criterion any more
    verified = example_dossier(passing=True, verified=True)
    assert not verified.provisional and not verified.draft
    clean = pdf_pages(render_dossier_pdf(verified))
    assert not any("DỰ THẢO" in page for page in clean)
    assert "TẠM TÍNH" not in " ".join(clean)


def test_an_unlocked_score_is_a_draft_even_with_verified_rules():
    data = example_dossier(passing=True, verified=True, locked=False)
    assert data.draft
    assert all("DỰ THẢO" in page for page in pdf_pages(render_dossier_pdf(data)))


def test_a_recorded_override_is_printed_and_lifts_the_mark():
    data = example_dossier(passing=True, override=True)
    assert isinstance(data.override, Override) and not data.draft
    text = pdf_text(render_dossier_pdf(data))
    assert "theo quyết định của Nguyễn Văn Quản trị ngày 08/12/2024 09:00" in text
    assert "Lý do: Bảng điểm chính thức đã đối chiếu tại Sở Y tế" in text
    assert "DỰ THẢO" not in text and "PHỤ LỤC. CÁC DÒNG QUY TẮC TẠM TÍNH" in text


def test_report_carries_the_figures(failing, failing_pdf):
    text = pdf_text(failing_pdf)
    card = failing.scorecard
    assert f"Tổng điểm {card.total}/{card.max_total}, ngưỡng {card.threshold} điểm" in text
    assert "82,5% (76,3–87,2)" in text  # children, unweighted, with its 95% interval
    assert "301 phiếu" in text and "7 phiếu bị gắn cờ" in text
    assert "niêm yết công khai từ ngày 28/11/2024 đến ngày 07/12/2024" in text
    assert text.count("Tổng cộng") == 2  # report and minutes tables both complete


def test_long_criterion_name_wraps_and_all_rows_print(failing):
    long_name = "Tiêu chí thử nghiệm có tên rất dài " * 8
    criteria = list(failing.scorecard.criteria)
    criteria[0] = dataclasses.replace(criteria[0], name=Text(long_name, long_name))
    card = dataclasses.replace(failing.scorecard, criteria=tuple(criteria))
    text = pdf_text(render_dossier_pdf(dataclasses.replace(failing, scorecard=card)))
    for c in criteria[1:]:
        assert c.name.vi in text
    assert "Tiêu chí thử nghiệm có tên rất dài Tiêu chí" in text  # wrapped, not cut


def test_user_text_is_escaped(failing):
    note = SourceNote("c2", "c2.births", "Số trẻ sinh", "61", "Sổ <hộ tịch> & báo cáo", "trẻ em")
    text = pdf_text(render_dossier_pdf(dataclasses.replace(failing, source_notes=(note,))))
    assert "Sổ <hộ tịch> & báo cáo" in text


def test_decomposed_input_prints_nfc(failing):
    ward = unicodedata.normalize("NFD", "Phường Dĩnh Kế")
    text = pdf_text(render_dossier_pdf(dataclasses.replace(failing, ward_name=ward)))
    assert "phường Dĩnh Kế" in text and "PHƯỜNG DĨNH KẾ" in text


def test_a_parent_body_heads_the_issuer(failing):
    data = dataclasses.replace(failing, ward_admin_parent="UBND THÀNH PHỐ BẮC GIANG")
    first = pdf_pages(render_dossier_pdf(data))[0]
    assert "UBND THÀNH PHỐ BẮC GIANG UBND PHƯỜNG DĨNH KẾ" in first


def test_english_version():
    data = example_dossier(language="en", passing=True)
    text = pdf_text(render_dossier_pdf(data))
    assert "REQUEST LETTER" in text and "SOCIALIST REPUBLIC OF VIET NAM" in text
    assert "ON BEHALF OF THE PEOPLE'S COMMITTEE FOR THE CHAIRPERSON VICE CHAIRPERSON" in text
    assert "No.: 15/TTr-UBND" in text and "Dĩnh Kế, 9 December 2024" in text
    assert "QUALIFIES as a child-friendly ward" in text and "DRAFT" in text
    assert leaked_keys(text, ENGLISH_KEYS) == []
    assert "Stage: " not in text and "Current step: dossier sent for recognition." in text
