"""Staff manage each group's poster token in a round: pause, resume, rotate, revoke, cap.

URL map (blueprint "poster_tokens", prefix /staff/posters):
  GET  /rounds/<round>/tokens                     every group's token: status, used/cap
  POST /rounds/<round>/tokens/<token>/<action>    pause | resume | rotate | revoke | cap
  POST /rounds/<round>/groups/<group>/token       issue a token for a group without one
Each POST carries CSRF and a required reason; the services audit every change in the same
transaction. Roles: vhxh, admin (same ward). Bad input → 400 with the page and what to fix;
a change the token's state forbids → 409.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from sqlalchemy import select

from survey_app.accounts.auth import require
from survey_app.accounts.scope import group_or_404, token_or_404
from survey_app.core.db import get_session
from survey_app.core.i18n import _
from survey_app.models import AssessmentRound, PosterToken
from survey_app.posters import data as poster_service
from survey_app.posters.forms import TokenCapForm, TokenChangeForm, TokenCreateForm
from survey_app.posters.views import staff_round
from survey_app.survey import tokens
from survey_app.survey.tokens import TokenError

bp = Blueprint("poster_tokens", __name__, url_prefix="/rounds")

ACTIONS = {
    "pause": tokens.pause_token,
    "resume": tokens.resume_token,
    "revoke": tokens.revoke_token,
}


def _page(round_: AssessmentRound, *, error: str | None = None, code: int = 200) -> Any:
    session = get_session()
    groups = poster_service.round_groups(session, round_)
    history = {
        g.group_id: session.scalar(
            select(PosterToken.id)
            .where(PosterToken.group_id == g.group_id, PosterToken.round_id == round_.id)
            .limit(1)
        )
        is not None
        for g in groups
    }
    page = render_template(
        "posters/tokens.html",
        round=round_,
        groups=groups,
        had_token=history,
        error=error,
        display_token=tokens.display_token,
        survey_url=tokens.survey_url,
    )
    return make_response(page, code)


def _form_error(form: TokenChangeForm) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


@bp.get("/<int:round_id>/posters/tokens")
@require("posters.manage")
def tokens_page(round_id: int) -> Any:
    """Every group's current token with its buttons."""
    _user, round_ = staff_round(round_id)
    return _page(round_)


@bp.post("/<int:round_id>/posters/tokens/<int:token_id>/<action>")
@require("posters.manage")
def change(round_id: int, token_id: int, action: str) -> Any:
    """Apply one audited change to a token of this round."""
    user, round_ = staff_round(round_id)
    if action not in (*ACTIONS, "rotate", "cap"):
        abort(404)
    token_or_404(token_id, round_)
    form = TokenCapForm() if action == "cap" else TokenChangeForm()
    if not form.validate_on_submit():
        return _page(round_, error=_form_error(form) or _("Biểu mẫu đã hết hạn."), code=400)
    reason = form.reason.data.strip()
    session = get_session()
    try:
        if action == "cap":
            tokens.set_cap(session, token_id, form.cap.data, actor=user, reason=reason)
        elif action == "rotate":
            tokens.rotate_token(session, token_id, actor=user, reason=reason)
        else:
            ACTIONS[action](session, token_id, actor=user, reason=reason)
    except TokenError:
        session.rollback()
        return _page(round_, error=_("Không thể thực hiện với mã ở trạng thái hiện tại."), code=409)
    flash(_("Đã lưu thay đổi và ghi vào nhật ký."), "success")
    return redirect(url_for("poster_tokens.tokens_page", round_id=round_id), 303)


@bp.post("/<int:round_id>/posters/groups/<int:group_id>/token")
@require("posters.manage")
def create(round_id: int, group_id: int) -> Any:
    """Issue a token for a group that has no live one (a revoked poster is replaced)."""
    user, round_ = staff_round(round_id)
    session = get_session()
    group = group_or_404(group_id, round_)
    form = TokenCreateForm()
    if not form.validate_on_submit():
        return _page(round_, error=_form_error(form) or _("Biểu mẫu đã hết hạn."), code=400)
    if tokens.current_token(session, group_id, round_id) is not None:
        return _page(round_, error=_("Tổ này đã có mã đang dùng: hãy đổi mã."), code=409)
    cap = form.cap.data or max(50, group.children + group.residents)
    try:
        tokens.create_token(
            session, group_id, round_id, cap, actor=user, reason=form.reason.data.strip()
        )
    except TokenError:
        session.rollback()
        return _page(round_, error=_("Không thể tạo mã cho tổ này."), code=409)
    flash(_("Đã tạo mã mới và ghi vào nhật ký."), "success")
    return redirect(url_for("poster_tokens.tokens_page", round_id=round_id), 303)
