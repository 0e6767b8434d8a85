"""The fixed texts of the public posting notice (Thông báo niêm yết công khai), vi and en.

Merged into ``survey_app.dossier.texts.TEXTS``.
"""

from __future__ import annotations

NOTICE_TEXTS: dict[str, tuple[str, str]] = {
    "notice_type": ("THÔNG BÁO", "NOTICE"),
    "notice_subject": (
        "Niêm yết công khai kết quả tự đánh giá {ward} phù hợp với trẻ em {round}",
        "Public posting of the child-friendly self-assessment of {ward}, {round}",
    ),
    "notice_intro": (
        "Thực hiện Quyết định số 06/2019/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ, {body} "
        "thông báo công khai kết quả tự đánh giá {ward} phù hợp với trẻ em {round} như sau:",
        "Under Decision 06/2019/QĐ-TTg of 3 January 2019 of the Prime Minister, {body} publishes "
        "the child-friendly self-assessment of {ward}, {round}:",
    ),
    "notice_sec_result": ("1. Kết quả tự đánh giá theo 13 tiêu chí", "1. Result by criterion"),
    "notice_total": (
        "Tổng điểm: {total}/{max_total} điểm. Ngưỡng công nhận đối với {locality}: {threshold} "
        "điểm.",
        "Total: {total}/{max_total} points. Threshold for {locality}: {threshold} points.",
    ),
    "notice_verdict": ("Kết quả: {verdict}.", "Result: {verdict}."),
    "notice_survey": (
        "Khảo sát mức độ hài lòng (tiêu chí 13): {respondents} phiếu hợp lệ, tỷ lệ hài lòng "
        "{rate}%.",
        "Satisfaction survey (criterion 13): {respondents} valid answers, {rate}% satisfied.",
    ),
    "notice_sec_period": ("2. Thời gian và địa điểm niêm yết", "2. Posting period and places"),
    "notice_period": (
        "Thời gian niêm yết: từ ngày {start} đến hết ngày {end} ({days} ngày).",
        "Posted from {start} to the end of {end} ({days} days).",
    ),
    "notice_places": ("Địa điểm niêm yết: {places}.", "Posted at: {places}."),
    "notice_places_default": (
        "trụ sở {body} và nhà văn hóa các tổ dân phố",
        "the offices of {body} and the residential groups' community halls",
    ),
    "notice_sec_feedback": ("3. Tiếp nhận ý kiến", "3. Comments"),
    "notice_feedback": (
        "Mọi ý kiến góp ý, phản ánh về kết quả tự đánh giá xin gửi trong thời gian niêm yết về "
        "{to}.",
        "Please send any comment or objection on the result during the posting period to {to}.",
    ),
    "notice_feedback_url": (
        "Có thể gửi ý kiến trực tuyến, không cần ghi tên, tại địa chỉ:",
        "Comments can also be sent online, without a name, at:",
    ),
    "notice_close": (
        "{body} thông báo để Nhân dân được biết, tham gia ý kiến./.",
        "{body} publishes this notice for residents' information and comments./.",
    ),
    "notice_recipients": (
        "- Thường trực Đảng ủy, HĐND phường (để báo cáo);|- Ủy ban MTTQ Việt Nam phường;|"
        "- Các tổ dân phố (để niêm yết);|- Thành viên Hội đồng đánh giá;",
        "- Standing committees of the ward's Party and People's Council (report);|"
        "- Ward Fatherland Front committee;|- Residential groups (to post);|"
        "- Members of the assessment council;",
    ),
}
