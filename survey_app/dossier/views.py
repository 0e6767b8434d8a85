"""Downloads of the ward's printed documents: a round's dossier and score table (once its
figures are consolidated), and the yearly plan with its year-end report.

URL map (blueprint "dossier"):
  GET  /rounds/<id>/dossier.pdf   request letter (recognised rounds only), report, council minutes
  GET  /rounds/<id>/dossier.docx  the same documents as DOCX, to edit in Word
  GET  /rounds/<id>/scores.xlsx   the score table with indicators, data sources and survey
  GET  /rounds/<id>/notice.pdf    the public posting notice (Thông báo niêm yết), once posted
  GET  /rounds/<id>/notice.docx   the same notice as DOCX
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, url_for

from survey_app.accounts.auth import require, require_same_ward
from survey_app.accounts.scope import me, round_or_404
from survey_app.core.db import get_session
from survey_app.core.i18n import _, current_language
from survey_app.core.security import MAX_ID, error_response
from survey_app.core.vntime import today_vn
from survey_app.core.web import download
from survey_app.dossier import pdf as dossier
from survey_app.dossier import word
from survey_app.dossier.notice import notice_data, render_notice_docx, render_notice_pdf
from survey_app.dossier.plan import plan_file
from survey_app.dossier.source import build_dossier_data
from survey_app.models import Plan, Ward
from survey_app.workspace import workflow

bp = Blueprint("dossier", __name__, url_prefix="/rounds")


def _dossier(round_id: int, kind: str) -> Any:
    round_ = round_or_404(round_id)
    session = get_session()
    if not workflow.stage_at_least(workflow.stage(session, round_.id), "consolidated"):
        return error_response(
            409, message=_("Hồ sơ chỉ có sau khi công chức Văn hóa - Xã hội tổng hợp số liệu.")
        )
    try:
        data = build_dossier_data(session, round_, current_language())
    except ValueError as exc:
        return error_response(409, message=str(exc))
    if kind == "pdf":
        return download(dossier.render_dossier_pdf(data), f"ho-so-dot-{round_.id}.pdf")
    if kind == "docx":
        return download(word.render_dossier_docx(data), f"ho-so-dot-{round_.id}.docx")
    return download(dossier.render_score_xlsx(data), f"bang-diem-dot-{round_.id}.xlsx")


@bp.get("/<int:round_id>/dossier.pdf")
@require("dossier.download")
def pdf(round_id: int) -> Any:
    """The dossier PDF: request letter, assessment report, council minutes."""
    return _dossier(round_id, "pdf")


@bp.get("/<int:round_id>/dossier.docx")
@require("dossier.download")
def docx(round_id: int) -> Any:
    """The same documents as DOCX (same content and layout), for the ward office to edit."""
    return _dossier(round_id, "docx")


@bp.get("/<int:round_id>/scores.xlsx")
@require("dossier.download")
def scores_xlsx(round_id: int) -> Any:
    """The score table as XLSX."""
    return _dossier(round_id, "xlsx")


@bp.get("/<int:round_id>/notice.<fmt>")
@require("dossier.download")
def notice(round_id: int, fmt: str) -> Any:
    """The posting notice (Thông báo niêm yết) to pin up, once the posting is recorded: the
    result per criterion, the period, and where to send comments (the public page's address)."""
    if fmt not in ("pdf", "docx"):
        abort(404)
    round_ = round_or_404(round_id)
    session = get_session()
    try:
        data = build_dossier_data(session, round_, current_language())
    except ValueError as exc:
        return error_response(409, message=str(exc))
    if data.posting is None:
        return error_response(
            409,
            message=_(
                "Thông báo niêm yết có sau khi ghi nhận bước “Công khai kết quả” (ngày bắt đầu "
                "và số ngày niêm yết)."
            ),
        )
    page = url_for("posting.page", ward_code=round_.ward.code, round_id=round_.id)
    notice_ = notice_data(
        data, data.posting, feedback_url=current_app.config["PUBLIC_BASE_URL"] + page
    )
    if fmt == "pdf":
        return download(render_notice_pdf(notice_), f"thong-bao-niem-yet-dot-{round_.id}.pdf")
    return download(render_notice_docx(notice_), f"thong-bao-niem-yet-dot-{round_.id}.docx")


# The ward's yearly plan as a document lives here with the other printed documents (the plan
# feature keeps the data; this package prints it).
plan_bp = Blueprint("plan_documents", __name__, url_prefix="/plan")
PLAN_DOCUMENTS = {"plan": "ke-hoach", "report": "bao-cao-ket-qua"}


@plan_bp.get("/<int:plan_id>/<kind>.<fmt>")
@require("plan.read")
def plan_document(plan_id: int, kind: str, fmt: str) -> Any:
    """The plan, or its year-end report, as a signed-format PDF or an editable DOCX."""
    if kind not in PLAN_DOCUMENTS or fmt not in ("pdf", "docx"):
        abort(404)
    session = get_session()
    plan = session.get(Plan, plan_id) if 0 < plan_id <= MAX_ID else None
    if plan is None:
        abort(404)
    require_same_ward(me(), plan.ward_id)
    data = plan_file(
        plan, session.get(Ward, plan.ward_id), current_language(), today_vn(), kind, fmt
    )
    return download(data, f"{PLAN_DOCUMENTS[kind]}-{plan.year}.{fmt}")
