"""The fixed texts of the assessment report (Báo cáo) and of the score XLSX, Vietnamese and English.

Merged into ``survey_app.dossier.texts.TEXTS``; kept apart only to keep each module short.
"""

from __future__ import annotations

REPORT_TEXTS: dict[str, tuple[str, str]] = {
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
    "total_row": ("Tổng cộng", "Total"),
    "threshold_row": ("Ngưỡng công nhận ({locality})", "Threshold ({locality})"),
    "sec_provisional": ("PHỤ LỤC. CÁC DÒNG QUY TẮC TẠM TÍNH", "ANNEX. PROVISIONAL RULE ROWS"),
    "annex_of": (
        "(Kèm theo Báo cáo số {number} {date} của {body})",
        "(Annex to report No. {number} of {date}, {body})",
    ),
    "provisional_intro": (
        "Bộ quy tắc chấm điểm {version} còn {count} dòng chưa được đối chiếu với văn bản gốc "
        "của Quyết định 06/2019/QĐ-TTg; điểm tính theo các dòng này là tạm tính. Hồ sơ là "
        "dự thảo cho đến khi các nội dung sau được xác nhận:",
        "Rule set {version} still has {count} rows not checked against the official text of "
        "Decision 06/2019/QĐ-TTg; points computed from them are provisional. The dossier is a "
        "draft until the following are confirmed:",
    ),
    # After the administrator's override the pages carry no draft mark: the annex says so.
    "provisional_intro_accepted": (
        "Bộ quy tắc chấm điểm {version} còn {count} dòng chưa được đối chiếu với văn bản gốc "
        "của Quyết định 06/2019/QĐ-TTg; điểm tính theo các dòng này là tạm tính. Các nội dung "
        "sau được chấp nhận theo quyết định của {by}{at}. Lý do: {reason}",
        "Rule set {version} still has {count} rows not checked against the official text of "
        "Decision 06/2019/QĐ-TTg; points computed from them are provisional. The following "
        "were accepted by decision of {by}{at}. Reason: {reason}",
    ),
    "provisional_meta": ("Tổng điểm tối đa ({total} điểm)", "Maximum total ({total} points)"),
    "provisional_recognition": ("Điều kiện công nhận", "Recognition conditions"),
    "provisional_posting": (
        "Thời gian niêm yết công khai tối thiểu ({days} ngày)",
        "Minimum public posting period ({days} days)",
    ),
    "provisional_locality": ("Ngưỡng công nhận: {label}", "Threshold: {label}"),
    "provisional_criterion": ("Điểm tối đa của tiêu chí", "The criterion's maximum"),
    "provisional_indicator": ("Chỉ số: {label}", "Indicator: {label}"),
    "provisional_trigger": ("Điều kiện 0 điểm: {label}", "Zero condition: {label}"),
    "col_provisional": ("Nội dung tạm tính", "Provisional rows"),
    "provisional_survey": ("Cách tính và khung điểm khảo sát", "Survey formula and bands"),
    "override": (
        "Hồ sơ được gửi khi bộ quy tắc còn dòng tạm tính theo quyết định của {by}{at}. Lý do: "
        "{reason}",
        "The dossier is sent while the rule set still has provisional rows by decision of "
        "{by}{at}. Reason: {reason}",
    ),
    "override_at": (" ngày {at}", " on {at}"),
    # Who allowed it, when the account has no person's name (never the role's label as a name).
    "override_by_admin": ("quản trị viên", "the administrator"),
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
    "evidence_line": (
        "Minh chứng theo kế hoạch: {activity}{done}: {files}",
        "Evidence from the plan: {activity}{done}: {files}",
    ),
    "evidence_done": (" (hoàn thành {date})", " (done {date})"),
    "sec_integrity": ("VI. THÔNG TIN XÁC THỰC", "VI. INTEGRITY"),
    "integrity": (
        "Bộ quy tắc: {version} (SHA-256 {rules_hash}). Mã băm số liệu đầu vào: {inputs_hash}. "
        "Bước hiện tại của hồ sơ: {stage}.",
        "Rule set: {version} (SHA-256 {rules_hash}). Inputs hash: {inputs_hash}. Current step: "
        "{stage}.",
    ),
    "locked_by": (
        "Đã khóa bởi {name} lúc {at} (giờ Việt Nam).",
        "Locked by {name} at {at} (Vietnam time).",
    ),
    "locked_at": ("Đã khóa lúc {at} (giờ Việt Nam).", "Locked at {at} (Vietnam time)."),
    "stage_entering": ("các đơn vị đang nhập số liệu", "units entering figures"),
    "stage_consolidated": (
        "đã tổng hợp, chờ Hội đồng thẩm định",
        "consolidated, awaiting the council",
    ),
    "stage_approved": ("Hội đồng đã phê duyệt", "approved by the council"),
    "stage_locked": ("đã khóa kết quả", "result locked"),
    "stage_posted": ("đang niêm yết công khai kết quả", "result posted publicly"),
    "stage_sent": ("đã gửi hồ sơ đề nghị công nhận", "dossier sent for recognition"),
    "stage_decided": ("đã có quyết định của cấp có thẩm quyền", "decision recorded"),
    "posting_line": (
        "Kết quả tự đánh giá được niêm yết công khai từ ngày {start} đến ngày {end}{comments}.",
        "The self-assessment result was posted publicly from {start} to {end}{comments}.",
    ),
    "posting_comments": (
        "; nhận được {count} ý kiến, đã trả lời {answered}",
        "; {count} comments received, {answered} answered",
    ),
    "shared_row": ("Chung", "Shared"),
    "not_locked": (
        "Kết quả chưa được khóa: văn bản là dự thảo.",
        "The score is not locked: this document is a draft.",
    ),
    "report_recipients": (
        "- {authority} (để báo cáo);|- Thường trực Đảng ủy, HĐND phường (để báo cáo);|"
        "- Thành viên Hội đồng đánh giá;",
        "- {authority} (report);|- Standing committees of the ward's Party and People's "
        "Council (report);|- Members of the assessment council;",
    ),
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
    "col_updated": ("Cập nhật (giờ Việt Nam)", "Updated (Vietnam time)"),
    "col_prov": ("Tạm tính", "Provisional"),
    "prov_yes": ("tạm tính", "provisional"),
    "xlsx_flagged": ("Phiếu bị gắn cờ, không tính", "Flagged answers, excluded"),
    "xlsx_qr": ("Phiếu trực tuyến (mã QR)", "Online answers (QR code)"),
    "xlsx_paper": ("Phiếu giấy", "Paper answers"),
    "xlsx_band": ("Xác suất đạt {points} điểm (%)", "Probability of {points} points (%)"),
    "xlsx_points_w": ("Điểm theo tỷ lệ có trọng số", "Points from the weighted rate"),
    "xlsx_draft": (
        "DỰ THẢO: bộ quy tắc còn dòng tạm tính (xem cột Tạm tính).",
        "DRAFT: the rule set still has provisional rows (see the Provisional column).",
    ),
}
