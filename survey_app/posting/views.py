"""Residents' comments on a posted round, for the ward's staff (blueprint "posting_staff").

URL map:
  GET  /rounds/<id>/feedback                  every comment, its status and answer; counts
  POST /rounds/<id>/feedback/<feedback_id>    record (or correct) the ward's answer (audited)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from survey_app.accounts.auth import can, require
from survey_app.accounts.scope import me, round_or_404
from survey_app.core.db import get_session
from survey_app.core.i18n import _
from survey_app.core.vntime import to_vn
from survey_app.models import AssessmentRound, User
from survey_app.posting import answers, service
from survey_app.posting.forms import AnswerForm

bp = Blueprint("posting_staff", __name__, url_prefix="/rounds")


def _page(
    round_: AssessmentRound,
    *,
    failed: tuple[int, AnswerForm] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = get_session()
    rows = answers.feedback_of(session, round_.id)
    names = {
        u.id: u.display_name or u.username
        for u in session.scalars(select(User).where(User.ward_id == round_.ward_id))
    }
    forms = {row.id: AnswerForm(prefix=f"f{row.id}", data={"answer": row.answer}) for row in rows}
    if failed is not None:
        forms[failed[0]] = failed[1]
    body = render_template(
        "posting/feedback.html",
        round=round_,
        rows=rows,
        forms=forms,
        counts=answers.feedback_counts(session, round_.id),
        period=service.period_of_round(session, round_),
        public=service.is_public(session, round_),
        may_answer=can("posting.answer") and answers.answering_open(session, round_),
        names=names,
        local=to_vn,
    )
    return body, status


@bp.get("/<int:round_id>/feedback")
@require("posting.read")
def feedback_list(round_id: int) -> Any:
    """The round's comments from its public posting page, unanswered first."""
    return _page(round_or_404(round_id))


@bp.post("/<int:round_id>/feedback/<int:feedback_id>")
@require("posting.answer")
def answer(round_id: int, feedback_id: int) -> Any:
    """Record the ward's answer to one comment (audited "posting.answer")."""
    round_ = round_or_404(round_id)
    session = get_session()
    if answers.feedback_or_none(session, round_.id, feedback_id) is None:
        abort(404)
    form = AnswerForm(prefix=f"f{feedback_id}")
    if not form.validate_on_submit():
        flash(_("Thông tin chưa hợp lệ, xem thông báo ở từng ô."), "error")
        return _page(round_, failed=(feedback_id, form), status=422)
    try:
        answers.answer_feedback(session, round_, feedback_id, form.answer.data, actor=me())
    except service.PostingError as exc:
        if exc.field:
            form.answer.errors = [str(exc)]
        flash(str(exc), "error")
        return _page(round_, failed=(feedback_id, form), status=exc.status)
    flash(_("Đã lưu trả lời cho góp ý số %(n)d.", n=feedback_id), "success")
    return redirect(url_for(".feedback_list", round_id=round_.id) + f"#gop-y-{feedback_id}", 303)
