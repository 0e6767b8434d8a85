"""Every word printed on a survey poster, in Vietnamese (source) and English, in one place.

Translators and reviewers edit only this file. Keep sentences short and plain: a 10-year-old must
understand them at a glance. Placeholders in braces are filled by survey_app.posters.pdf:
{child_min}, {child_max}, {adult_min} (ages), {round} (round label), {start}, {end} (dates).
Posters are rendered outside a web request (batch jobs, CLI), so these texts do not go through
gettext; the locale is an explicit argument.
"""

from __future__ import annotations

from typing import Final

POSTER_TEXTS: Final[dict[str, dict[str, str]]] = {
    "vi": {
        "kicker": "Khảo sát ý kiến trẻ em và người dân",
        "title": "Ý kiến của bạn giúp phường tốt hơn cho trẻ em",
        "scan_hint": "Mở camera điện thoại và quét mã này",
        "url_label": "Không quét được? Gõ địa chỉ này vào trình duyệt:",
        "child_lead": "Em từ {child_min} đến {child_max} tuổi?",
        "child_body": "Quét mã để trả lời — chỉ mất 3 phút, không cần ghi tên.",
        "adult_lead": "Người lớn từ {adult_min} tuổi trở lên?",
        "adult_body": (
            "Hãy cho biết phường chăm sóc và bảo vệ trẻ em thế nào. "
            "Chỉ mất 3 phút, không cần ghi tên."
        ),
        "dates_range": "{round}: từ {start} đến hết {end}",
        "dates_open": "{round}: bắt đầu từ {start}",
        "privacy": "Không hỏi tên, số điện thoại hay địa chỉ. Chỉ công bố số liệu tổng hợp.",
        "footer": "Xây dựng xã, phường phù hợp với trẻ em (Quyết định 06/QĐ-TTg)",
        "pdf_title": "Áp phích khảo sát",
        "date_format": "%d/%m/%Y",
    },
    "en": {
        "kicker": "Survey for children and residents",
        "title": "Your views help make our ward better for children",
        "scan_hint": "Open your phone camera and scan this code",
        "url_label": "Can't scan? Type this address into your browser:",
        "child_lead": "Aged {child_min} to {child_max}?",
        "child_body": (
            "Scan the code to answer. It takes only 3 minutes and you don't give your name."
        ),
        "adult_lead": "An adult aged {adult_min} or over?",
        "adult_body": (
            "Tell us how well the ward cares for and protects children. "
            "It takes 3 minutes and you don't give your name."
        ),
        "dates_range": "{round}: from {start} to {end}",
        "dates_open": "{round}: from {start}",
        "privacy": "We never ask your name, phone number or address. Only totals are shown.",
        "footer": "Child-friendly commune and ward programme (Decision 06/QĐ-TTg)",
        "pdf_title": "Survey posters",
        # ISO 8601: unambiguous for readers used to either day-first or month-first dates.
        "date_format": "%Y-%m-%d",
    },
}
