"""Every fixed text of the dossier PDF and the score XLSX, in Vietnamese and English, in one place.

Kept out of gettext on purpose: the dossier is an official document whose wording the ward office
reviews as a whole, and it must print in either language whatever the user's UI language is.
"""

from __future__ import annotations

from datetime import date, datetime

_MONTHS_EN = [
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
]

TEXTS: dict[str, tuple[str, str]] = {
    # National title block (Decree 30/2020/NĐ-CP)
    "nation": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "number": ("Số: {number}/{symbol}", "No.: {number}/{symbol}"),
    "council_body": ("HỘI ĐỒNG ĐÁNH GIÁ", "ASSESSMENT COUNCIL"),
    "recipients": ("Nơi nhận:", "Recipients:"),
    "archive": ("- Lưu: VT.", "- Archive: office."),
    "on_behalf": ("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
    "seal_hint": ("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)"),
    "sign_hint": ("(Ký, ghi rõ họ tên)", "(Signature, full name)"),
    # Footer and watermark
    "page": ("Trang {page}/{pages}", "Page {page}/{pages}"),
    "chain": ("Chuỗi nhật ký: #{id} {hash}", "Audit chain: #{id} {hash}"),
    "draft": ("DỰ THẢO / DRAFT", "DỰ THẢO / DRAFT"),
    # Request letter
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
        "Based on the meeting of the ward's assessment council {date};",
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
    "letter_not_ready": (
        "Lưu ý: theo kết quả tự đánh giá, phường chưa đủ điều kiện công nhận (xem Báo cáo, "
        "mục II). Tờ trình chỉ gửi khi Hội đồng kết luận đạt chuẩn.",
        "Note: by its self-assessment the ward does not yet qualify (see the Report, part II). "
        "Send this letter only once the council concludes that it qualifies.",
    ),
    "enclosed": ("Hồ sơ kèm theo gồm:", "Enclosed:"),
    "enclosed_items": (
        "Báo cáo kết quả đánh giá (kèm bảng điểm, nguồn số liệu);|"
        "Biên bản họp Hội đồng đánh giá;|Bảng điểm chi tiết (tệp XLSX).",
        "Assessment report (with the score table and data sources);|"
        "Minutes of the assessment council;|Detailed score table (XLSX file).",
    ),
    "letter_close": (
        "Kính trình {authority} xem xét, quyết định./.",
        "Respectfully submitted to {authority} for consideration and decision.",
    ),
    "letter_recipients": ("- Như trên;|- TT Đảng ủy, HĐND phường (b/c);", "- As above;"),
    # Assessment report
    "report_type": ("BÁO CÁO", "REPORT"),
    "report_subject": (
        "Kết quả đánh giá phường phù hợp với trẻ em {round}",
        "Results of the child-friendly ward assessment, {round}",
    ),
    "report_intro": (
        "Thực hiện Quyết định số 06/2019/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ, {body} "
        "báo cáo kết quả đánh giá {ward} theo 13 tiêu chí, kỳ đánh giá từ {start} đến {end}, "
        "áp dụng bộ quy tắc chấm điểm phiên bản {version}, loại địa bàn: {locality}.",
        "Under Decision 06/2019/QĐ-TTg of 3 January 2019 of the Prime Minister, {body} reports "
        "the assessment of {ward} against the 13 criteria for the period {start} to {end}, "
        "scored with rule set version {version}, locality type: {locality}.",
    ),
    "sec_scores": ("I. KẾT QUẢ CHẤM ĐIỂM 13 TIÊU CHÍ", "I. SCORES OF THE 13 CRITERIA"),
    "col_no": ("TT", "No."),
    "col_criterion": ("Tiêu chí", "Criterion"),
    "col_unit": ("Đơn vị phụ trách", "Owner unit"),
    "col_max": ("Điểm tối đa", "Max"),
    "col_points": ("Điểm đạt", "Points"),
    "col_prov": ("Tạm tính", "Provis."),
    "total_row": ("Tổng cộng", "Total"),
    "threshold_row": ("Ngưỡng công nhận ({locality})", "Threshold ({locality})"),
    "provisional_note": (
        "(*) Điểm tạm tính, cần đối chiếu Quyết định 06/QĐ-TTg, Điều 2 khoản 2.",
        "(*) Provisional points: check against Decision 06/QĐ-TTg, Art. 2(2).",
    ),
    "sec_verdict": ("II. KẾT LUẬN", "II. CONCLUSION"),
    "verdict_yes": ("ĐẠT chuẩn phường phù hợp với trẻ em", "QUALIFIES as a child-friendly ward"),
    "verdict_no": (
        "CHƯA ĐẠT chuẩn phường phù hợp với trẻ em",
        "DOES NOT YET QUALIFY as a child-friendly ward",
    ),
    "verdict_line": (
        "Tổng điểm {total}/{max_total}, ngưỡng {threshold} điểm: {verdict}.",
        "Total {total}/{max_total}, threshold {threshold}: {verdict}.",
    ),
    "reasons": ("Lý do:", "Reasons:"),
    "sec_gaps": ("III. NHỮNG NỘI DUNG CÒN THIẾU", "III. WHAT IS MISSING"),
    "gaps_none": (
        "Không có nội dung cần bổ sung.",
        "Nothing is missing.",
    ),
    "gaps_plan": (
        "Để đạt ngưỡng (còn thiếu {shortfall} điểm), cần:",
        "To reach the threshold ({shortfall} points short):",
    ),
    "gaps_unreachable": (
        "Không thể đạt ngưỡng trong kỳ này chỉ bằng các số liệu còn thay đổi được.",
        "The threshold cannot be reached this round by the figures that can still change.",
    ),
    "gaps_missing": ("Số liệu còn thiếu: {keys}", "Figures still missing: {keys}"),
    "sec_survey": (
        "IV. KHẢO SÁT MỨC ĐỘ HÀI LÒNG (TIÊU CHÍ 13)",
        "IV. SATISFACTION SURVEY (CRITERION 13)",
    ),
    "survey_none": ("Chưa có số liệu khảo sát.", "No survey figures yet."),
    "survey_method": (
        "Đối tượng: trẻ em từ {ages} tuổi và người dân từ 16 tuổi trở lên tại {groups} tổ dân "
        "phố{dates}. Hình thức: phiếu trực tuyến qua mã QR niêm yết tại từng tổ dân phố "
        "({qr} phiếu) và phiếu giấy do cán bộ nhập ({paper} phiếu); không thu thập thông tin "
        "cá nhân. Người trả lời được tính là hài lòng khi chọn mức {values} ở câu hỏi hài lòng "
        'chung; tỷ lệ = số hài lòng / số trả lời hợp lệ (không tính "không biết"). Tỷ lệ tiêu '
        "chí là {combine}. {flagged} phiếu bị gắn cờ (trả lời quá nhanh, trùng lặp...) không "
        "được tính.",
        "Respondents: children aged {ages} and residents aged 16 and over in {groups} residential "
        "groups{dates}. Channels: online form reached by QR codes posted in each group ({qr} "
        "forms) and paper forms entered by staff ({paper} forms); no personal data collected. "
        "A respondent is satisfied when answering {values} to the overall question; rate = "
        'satisfied / valid answers ("don\'t know" excluded). The criterion rate is {combine}. '
        "{flagged} flagged responses (too fast, duplicates...) are excluded.",
    ),
    "survey_dates": (", từ {start} đến {end}", ", from {start} to {end}"),
    "combine_mean": (
        "trung bình cộng tỷ lệ của hai nhóm",
        "the mean of the two groups' rates",
    ),
    "combine_pooled": ("tỷ lệ chung của mọi phiếu", "the pooled rate of all answers"),
    "col_audience": ("Nhóm", "Group"),
    "col_valid": ("Phiếu hợp lệ", "Valid"),
    "col_target": ("Cỡ mẫu cần", "Target"),
    "col_satisfied": ("Hài lòng", "Satisfied"),
    "col_rate": ("Tỷ lệ (KTC {conf}%)", "Rate ({conf}% CI)"),
    "col_rate_w": ("Có trọng số (KTC {conf}%)", "Weighted ({conf}% CI)"),
    "aud_child": ("Trẻ em", "Children"),
    "aud_resident": ("Người dân", "Residents"),
    "aud_combined": ("Tiêu chí 13", "Criterion 13"),
    "survey_points": (
        "Điểm tiêu chí 13: {points} điểm (theo tỷ lệ không trọng số; theo tỷ lệ có trọng số: "
        "{points_w} điểm). Cỡ mẫu cần cho sai số ±{margin} điểm phần trăm ở độ tin cậy "
        "{conf}%.",
        "Criterion 13: {points} points (from the unweighted rate; from the weighted rate: "
        "{points_w}). Target sample for a margin of ±{margin} percentage points at {conf}% "
        "confidence.",
    ),
    "survey_certainty": (
        "Độ chắc chắn: xác suất tỷ lệ thực đạt khung {points} điểm là {prob}% (theo từng khung: "
        "{bands}).",
        "Certainty: the probability that the true rate earns {points} points is {prob}% "
        "(by band: {bands}).",
    ),
    "survey_settled": (
        "Khoảng tin cậy nằm trọn trong một khung điểm.",
        "The interval lies within a single band.",
    ),
    "band_prob": ("{points} điểm: {prob}%", "{points} points: {prob}%"),
    "sec_sources": ("V. NGUỒN SỐ LIỆU", "V. DATA SOURCES"),
    "col_input": ("Số liệu", "Figure"),
    "col_value": ("Giá trị", "Value"),
    "col_note": ("Nguồn, ghi chú", "Source, note"),
    "col_entered": ("Người nhập, ngày", "Entered by, on"),
    "sources_none": ("Chưa có ghi chú nguồn số liệu.", "No source notes yet."),
    "sec_integrity": ("VI. THÔNG TIN XÁC THỰC", "VI. INTEGRITY"),
    "integrity": (
        "Bộ quy tắc: {version} (SHA-256 {rules_hash}). Mã băm số liệu đầu vào: {inputs_hash}. "
        "Trạng thái: {stage}.",
        "Rule set: {version} (SHA-256 {rules_hash}). Inputs hash: {inputs_hash}. Stage: {stage}.",
    ),
    "locked_by": (
        "Đã khóa bởi {name} lúc {at}.",
        "Locked by {name} at {at}.",
    ),
    "not_locked": (
        "Kết quả chưa được khóa: văn bản là dự thảo.",
        "The score is not locked: this document is a draft.",
    ),
    "report_recipients": (
        "- {authority} (b/c);|- TT Đảng ủy, HĐND phường (b/c);|- Thành viên Hội đồng đánh giá;",
        "- {authority} (report);|- Members of the assessment council;",
    ),
    # Council minutes
    "minutes_type": ("BIÊN BẢN", "MINUTES"),
    "minutes_subject": (
        "Họp Hội đồng đánh giá phường phù hợp với trẻ em {round}",
        "Meeting of the child-friendly ward assessment council, {round}",
    ),
    "minutes_open": (
        "Hôm nay, vào hồi ...... giờ ...... {date}, tại {place}, Hội đồng đánh giá {ward} phù "
        "hợp với trẻ em tiến hành họp đánh giá kết quả thực hiện 13 tiêu chí.",
        "Today, at ...... h ......, {date}, at {place}, the assessment council of {ward} met to "
        "assess the 13 criteria.",
    ),
    "sec_attendance": ("I. THÀNH PHẦN", "I. ATTENDANCE"),
    "chair": ("Chủ trì: {name}, {title} - Chủ tịch Hội đồng.", "Chair: {name}, {title}."),
    "members": ("Thành viên Hội đồng:", "Council members:"),
    "secretary": (
        "Thư ký: ..........................................................",
        "Secretary: ......................................................",
    ),
    "sec_content": ("II. NỘI DUNG", "II. PROCEEDINGS"),
    "minutes_review": (
        "Hội đồng đã xem xét báo cáo, số liệu và nguồn số liệu của từng tiêu chí do các đơn vị "
        "phụ trách cung cấp, kết quả khảo sát mức độ hài lòng (tiêu chí 13) và thống nhất kết "
        "quả chấm điểm như sau:",
        "The council reviewed the report, each criterion's figures and sources from the owner "
        "units and the satisfaction survey (criterion 13), and records these scores:",
    ),
    "opinions": ("Ý kiến của các thành viên:", "Members' remarks:"),
    "sec_conclusion": ("III. KẾT LUẬN", "III. CONCLUSION"),
    "minutes_result": (
        "Kết quả tự đánh giá theo hệ thống: {verdict} ({total}/{max_total} điểm, ngưỡng "
        "{threshold}).",
        "Result computed by the system: {verdict} ({total}/{max_total}, threshold {threshold}).",
    ),
    "minutes_vote": (
        "Hội đồng thống nhất:  □ Đạt chuẩn     □ Chưa đạt chuẩn.  Số thành viên biểu quyết "
        "đồng ý: ......../........",
        "The council resolves:  □ Qualifies     □ Does not qualify.  Members in favour: "
        "......../........",
    ),
    "approvals": ("Các bước đã phê duyệt trên hệ thống:", "Approvals recorded in the system:"),
    "minutes_close": (
        "Cuộc họp kết thúc vào hồi ...... giờ ...... cùng ngày. Biên bản đã được đọc lại cho các "
        "thành viên cùng nghe và nhất trí ký tên.",
        "The meeting closed at ...... h ...... the same day. The minutes were read out and "
        "signed by the members.",
    ),
    "sig_secretary": ("THƯ KÝ", "SECRETARY"),
    "sig_chair": ("CHỦ TỊCH HỘI ĐỒNG", "CHAIR OF THE COUNCIL"),
    "col_name": ("Họ và tên", "Name"),
    "col_title": ("Chức vụ", "Title"),
    "col_signature": ("Ký tên", "Signature"),
    "members_sign": ("Chữ ký của các thành viên Hội đồng:", "Signatures of the council members:"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    # XLSX
    "sheet_scores": ("Bảng điểm", "Scores"),
    "sheet_sources": ("Nguồn số liệu", "Data sources"),
    "sheet_survey": ("Khảo sát", "Survey"),
    "col_id": ("Mã", "Id"),
    "col_indicator": ("Chỉ số", "Indicator"),
    "col_measured": ("Giá trị đo", "Measured"),
    "verdict": ("Kết luận", "Verdict"),
    "col_low": ("Cận dưới", "Low"),
    "col_high": ("Cận trên", "High"),
    "col_population": ("Dân số", "Population"),
    "col_unit_of": ("Đơn vị tính", "Unit"),
    "col_updated": ("Cập nhật", "Updated"),
}


def text(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang`` ("vi" or "en"), formatted with ``params``."""
    vi, en = TEXTS[key]
    template = en if lang == "en" else vi
    return template.format(**params) if params else template


def lines(key: str, lang: str, **params: object) -> list[str]:
    """A multi-line text (parts separated by "|") as a list of lines."""
    return text(key, lang, **params).split("|")


def date_text(day: date | None, lang: str) -> str:
    """ "ngày 28 tháng 11 năm 2024" / "28 November 2024"; dots to fill by hand when None."""
    if day is None:
        return "ngày ...... tháng ...... năm ......" if lang != "en" else "...... 20......"
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def short_date(day: date | datetime | None, lang: str) -> str:
    """ "28/11/2024" (vi) or "2024-11-28" (en); "" when None; a moment adds its time."""
    if day is None:
        return ""
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
