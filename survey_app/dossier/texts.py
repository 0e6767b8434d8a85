"""Every fixed text of the dossier (PDF, DOCX, XLSX), in Vietnamese and English, in one place.

Kept out of gettext on purpose: the dossier is an official document whose wording the ward office
reviews as a whole, and it must print in either language whatever the user's UI language is.
The assessment report's texts are in ``texts_report``, the posting notice's in ``texts_notice``.
Dates follow Decree 30/2020/NĐ-CP ("ngày 02 tháng 12 năm 2026"); every moment is printed in
Vietnam time (stored times are UTC).
"""

from __future__ import annotations

from datetime import date, datetime

from survey_app.core.vntime import to_vn
from survey_app.dossier.texts_notice import NOTICE_TEXTS
from survey_app.dossier.texts_report import REPORT_TEXTS

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_COMMON: dict[str, tuple[str, str]] = {
    # National title block (Decree 30/2020/NĐ-CP)
    "nation": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "number": ("Số: {number}", "No.: {number}"),
    "committee": ("ỦY BAN NHÂN DÂN", "PEOPLE'S COMMITTEE"),
    "committee_short": ("UBND {ward}", "PEOPLE'S COMMITTEE OF {ward}"),
    "council_body": ("HỘI ĐỒNG ĐÁNH GIÁ", "ASSESSMENT COUNCIL"),
    "recipients": ("Nơi nhận:", "Recipients:"),
    "archive": ("- Lưu: VT, {unit}.", "- Archive: office, {unit}."),
    "on_behalf": ("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
    "chair_title": ("CHỦ TỊCH", "CHAIRPERSON"),
    "for_chair": ("KT. CHỦ TỊCH", "FOR THE CHAIRPERSON"),
    "vice_title": ("PHÓ CHỦ TỊCH", "VICE CHAIRPERSON"),
    "sign_hint": ("(Ký, ghi rõ họ tên)", "(Signature, full name)"),
    "draft": ("DỰ THẢO", "DRAFT"),
    "vn_time": ("giờ Việt Nam", "Vietnam time"),
    # Request letter (only for a round whose result is recognised)
    "letter_type": ("TỜ TRÌNH", "REQUEST LETTER"),
    "letter_subject": (
        "Về việc đề nghị công nhận {ward} đạt chuẩn phù hợp với trẻ em {round}",
        "Requesting recognition of {ward} as child-friendly, {round}",
    ),
    "to": ("Kính gửi: {authority}.", "To: {authority}."),
    "basis_decision": (
        "Căn cứ Quyết định số 06/2019/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ ban hành "
        "Quy định về tiêu chuẩn, trình tự, thủ tục đánh giá và công nhận xã, phường, thị trấn "
        "phù hợp với trẻ em;",
        "Pursuant to Decision 06/2019/QĐ-TTg of 3 January 2019 of the Prime Minister on the "
        "standards and procedure for assessing and recognising child-friendly communes, wards "
        "and townships;",
    ),
    "basis_council": (
        "Căn cứ kết quả họp Hội đồng đánh giá phường phù hợp với trẻ em {date};",
        "Based on the meeting of the ward's assessment council on {date};",
    ),
    "letter_body": (
        "{body} kính trình {authority} xem xét, công nhận {ward} đạt chuẩn phường phù hợp với "
        "trẻ em {round} với kết quả tự đánh giá như sau:",
        "{body} respectfully requests {authority} to consider recognising {ward} as a "
        "child-friendly ward, {round}, with the following self-assessment:",
    ),
    "letter_total": (
        "Tổng số điểm đạt: {total}/{max_total} điểm; ngưỡng công nhận đối với {locality}: "
        "{threshold} điểm;",
        "Total points: {total}/{max_total}; threshold for {locality}: {threshold} points;",
    ),
    "letter_zero": (
        "Số tiêu chí đạt 0 điểm: {count};",
        "Criteria with 0 points: {count};",
    ),
    "letter_verdict": ("Kết quả tự đánh giá: {verdict}.", "Self-assessment result: {verdict}."),
    "enclosed": ("Hồ sơ kèm theo gồm:", "Enclosed:"),
    "enclosed_items": (
        "Báo cáo kết quả đánh giá (kèm bảng điểm, nguồn số liệu);|"
        "Biên bản họp Hội đồng đánh giá;|Bảng điểm chi tiết (tệp XLSX).",
        "Assessment report (with the score table and data sources);|"
        "Minutes of the assessment council;|Detailed score table (XLSX file).",
    ),
    "letter_close": (
        "Kính trình {authority} xem xét, quyết định./.",
        "Respectfully submitted to {authority} for consideration and decision./.",
    ),
    "letter_recipients": (
        "- Như trên;|- Thường trực Đảng ủy, HĐND phường (để báo cáo);",
        "- As above;|- Standing committees of the ward's Party and People's Council (report);",
    ),
    # Council minutes
    # Council minutes (Decree 30/2020, Appendix I, form 1.9)
    "minutes_type": ("BIÊN BẢN", "MINUTES"),
    "minutes_subject": (
        "Họp Hội đồng đánh giá phường phù hợp với trẻ em {round}",
        "Meeting of the child-friendly ward assessment council, {round}",
    ),
    "minutes_time": (
        "Thời gian bắt đầu: ...... giờ ...... phút, {date}.",
        "Started at: ...... h ......, {date}.",
    ),
    "minutes_place": ("Địa điểm: {place}.", "Place: {place}."),
    "sec_attendance": ("I. THÀNH PHẦN THAM DỰ", "I. ATTENDANCE"),
    "chair": ("Chủ trì: {name}, {title}, Chủ tịch Hội đồng.", "Chair: {name}, {title}."),
    "members": (
        "Thành viên Hội đồng ({present}/{total} có mặt):",
        "Council members ({present}/{total} present):",
    ),
    "members_unknown": ("Thành viên Hội đồng:", "Council members:"),
    "absent": ("vắng mặt", "absent"),
    "no_members": (
        "Danh sách thành viên Hội đồng chưa được nhập vào hệ thống.",
        "The council's members have not been entered in the system.",
    ),
    "secretary": ("Thư ký: {name}.", "Secretary: {name}."),
    "sec_content": ("II. NỘI DUNG", "II. PROCEEDINGS"),
    "minutes_review": (
        "Hội đồng đã xem xét báo cáo, số liệu và nguồn số liệu của từng tiêu chí do các đơn vị "
        "phụ trách cung cấp, kết quả khảo sát mức độ hài lòng (tiêu chí 13) và thống nhất kết "
        "quả chấm điểm như sau:",
        "The council reviewed the report, each criterion's figures and sources from the owner "
        "units and the satisfaction survey (criterion 13), and records these scores:",
    ),
    "minutes_lacks": ("Những nội dung phường còn thiếu:", "What the ward still lacks:"),
    "opinions": ("Ý kiến của các thành viên:", "Members' remarks:"),
    "sec_conclusion": ("III. KẾT LUẬN", "III. CONCLUSION"),
    "minutes_result": (
        "Kết quả tự đánh giá: {verdict} ({total}/{max_total} điểm, ngưỡng công nhận "
        "{threshold} điểm).",
        "Self-assessment result: {verdict} ({total}/{max_total}, threshold {threshold}).",
    ),
    "minutes_vote": (
        "Kết quả biểu quyết: {yes}/{present} thành viên có mặt tán thành, {no} không tán "
        "thành{abstained}.",
        "Vote: {yes} of the {present} members present in favour, {no} against{abstained}.",
    ),
    "minutes_abstained": (", {count} không biểu quyết", ", {count} abstaining"),
    "minutes_vote_blank": (
        "Kết quả biểu quyết: ...... thành viên tán thành, ...... không tán thành.",
        "Vote: ...... in favour, ...... against.",
    ),
    "minutes_next_yes": (
        "Hội đồng thống nhất đề nghị {body} hoàn thiện hồ sơ, niêm yết công khai kết quả và "
        "trình {authority} xem xét, công nhận.",
        "The council agrees that {body} completes the dossier, posts the result publicly and "
        "submits it to {authority} for recognition.",
    ),
    "minutes_next_no": (
        "Phường chưa đủ điều kiện đề nghị công nhận. Hội đồng đề nghị các đơn vị phụ trách "
        "khắc phục những nội dung còn thiếu nêu trên trong kỳ đánh giá tiếp theo.",
        "The ward does not yet qualify for recognition. The council asks the owner units to "
        "remedy what is missing above before the next assessment.",
    ),
    "approvals": (
        "Các bước đã ghi nhận trên hệ thống (giờ Việt Nam):",
        "Steps recorded in the system (Vietnam time):",
    ),
    "minutes_close": (
        "Cuộc họp kết thúc vào ...... giờ ...... phút cùng ngày. Biên bản đã được đọc lại cho "
        "các thành viên cùng nghe và nhất trí ký tên./.",
        "The meeting closed at ...... h ...... the same day. The minutes were read out and "
        "signed by the members./.",
    ),
    "sig_secretary": ("THƯ KÝ", "SECRETARY"),
    "sig_chair": ("CHỦ TỊCH HỘI ĐỒNG", "CHAIR OF THE COUNCIL"),
    "col_name": ("Họ và tên", "Name"),
    "col_title": ("Chức vụ", "Position"),
    "col_signature": ("Ký tên", "Signature"),
    "members_sign": ("Chữ ký của các thành viên Hội đồng:", "Signatures of the council members:"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
}

TEXTS: dict[str, tuple[str, str]] = {**_COMMON, **REPORT_TEXTS, **NOTICE_TEXTS}


def text(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang`` ("vi" or "en"), formatted with ``params``."""
    vi, en = TEXTS[key]
    template = en if lang == "en" else vi
    return template.format(**params) if params else template


def lines(key: str, lang: str, **params: object) -> list[str]:
    """A multi-line text (parts separated by "|") as a list of lines."""
    return text(key, lang, **params).split("|")


def vietnam_time(moment: datetime) -> datetime:
    """A stored moment in Vietnam time; a naive moment is read as UTC (how the app stores them)."""
    return to_vn(moment)


def vietnam_date(moment: datetime | date | None) -> date | None:
    """The calendar day of a moment in Vietnam (a date is returned as it is)."""
    if moment is None or not isinstance(moment, datetime):
        return moment
    return vietnam_time(moment).date()


def date_text(day: date | None, lang: str) -> str:
    """ "ngày 02 tháng 12 năm 2026" / "2 December 2026"; dots to fill by hand when None."""
    if day is None:
        return "ngày ...... tháng ...... năm ......" if lang != "en" else "...... 20......"
    if isinstance(day, datetime):
        day = vietnam_time(day).date()
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def short_date(day: date | datetime | None, lang: str) -> str:
    """ "02/12/2026" (vi) or "2026-12-02" (en); "" when None; a moment adds its Vietnam time."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = vietnam_time(day)
    stamp = day.strftime("%Y-%m-%d") if lang == "en" else day.strftime("%d/%m/%Y")
    if isinstance(day, datetime):
        stamp += day.strftime(" %H:%M")
    return stamp


def number(value: float | None, lang: str, digits: int = 1) -> str:
    """A decimal in the document's convention: "82,5" (vi) or "82.5" (en); "-" when None."""
    if value is None:
        return "-"
    shown = f"{value:.{digits}f}"
    return shown.replace(".", ",") if lang != "en" else shown
