"""Paper questionnaires: the printable form, and fast entry of filled-in forms by staff.

URL map (blueprint "paper", prefix /staff/paper):
  GET  /rounds/<round>/<audience>.pdf   the printable form (?lang=vi|en&group=<id>)
                                        vhxh, admin (any group or blank), leader (own group,
                                        pre-printed)
  GET  /rounds/<round>                  pick the group and audience once      vhxh, admin
  GET  /rounds/<round>/entry            the entry form (?group=<id>&audience=child|resident)
  POST /rounds/<round>/entry            store one form → the empty form again (PRG), group and
                                        audience kept; 400 with what to fix, nothing written
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from assessment import Instrument, InstrumentError, load_instrument
from survey_app.accounts.auth import can, require
from survey_app.accounts.scope import group_or_404
from survey_app.core.config import is_loopback_url
from survey_app.core.db import get_session
from survey_app.core.i18n import _, _l, document_language
from survey_app.core.web import download
from survey_app.models import AssessmentRound, ResidentialGroup
from survey_app.posters import paper
from survey_app.posters.data import LOCALES
from survey_app.posters.paper_form import render_paper_form
from survey_app.posters.paper_forms import PaperForm, check_choices, paper_form
from survey_app.posters.qr import ascii_stem
from survey_app.posters.views import choice, problem, staff_round
from survey_app.survey import submit as survey

bp = Blueprint("paper", __name__, url_prefix="/rounds")

REFUSALS = {
    "unknown": _l("Tổ này chưa có mã áp phích đang dùng trong đợt này: hãy tạo mã trước."),
    "paused": _l("Mã của tổ đang tạm dừng: hãy tiếp tục mã rồi nhập lại."),
    "capped": _l("Tổ này đã nhận đủ số câu trả lời tối đa: hãy nâng giới hạn rồi nhập lại."),
    "closed": _l("Đợt khảo sát đã đóng: không nhập thêm được."),
}


def _instrument(round_: AssessmentRound) -> Instrument:
    try:
        return load_instrument(round_.instrument_version)
    except InstrumentError:
        abort(problem(_("Đợt này dùng bộ câu hỏi không có trong hệ thống."), 409))


def _group(round_: AssessmentRound, raw: str | None) -> ResidentialGroup:
    """The group named by a query argument: 400 malformed, 404 not in the round's ward."""
    if not raw or not raw.isdigit():
        abort(problem(_("Hãy chọn tổ dân phố."), 400))
    return group_or_404(int(raw), round_)


@bp.get("/<int:round_id>/paper/<audience>.pdf")
@document_language
@require("paper.print")
def form_pdf(round_id: int, audience: str) -> Any:
    """The printable questionnaire of one audience; a leader's copy names their group."""
    user, round_ = staff_round(round_id)
    instrument = _instrument(round_)
    if audience not in instrument.audience_ids:
        abort(404)
    lang = choice("lang", LOCALES)
    own_group_only = not can("groups.see_all", user)
    raw = request.args.get("group") or (str(user.group_id) if own_group_only else None)
    group = None
    if raw is not None:
        group = _group(round_, raw)
    elif own_group_only:
        abort(403)

    pdf = render_paper_form(
        instrument,
        audience,
        lang=lang,
        ward_name=round_.ward.name,
        group_name=group.name if group else None,
    )
    stem = ascii_stem(group.name) if group else "blank"
    return download(pdf, f"paper-{audience}-{stem}-{lang}.pdf")


@bp.get("/<int:round_id>/paper")
@require("paper.enter")
def pick(round_id: int) -> str:
    """Choose the group (and the audience to start with) once."""
    _user, round_ = staff_round(round_id)
    groups = sorted(round_.ward.groups, key=lambda g: (g.position, g.id))
    base = current_app.config["PUBLIC_BASE_URL"]
    return render_template(
        "posters/paper_pick.html",
        round=round_,
        groups=groups,
        instrument=_instrument(round_),
        base_url=base,
        loopback=is_loopback_url(base),
    )


def _entry_page(
    round_: AssessmentRound,
    group: ResidentialGroup,
    instrument: Instrument,
    audience: str,
    form: PaperForm,
    *,
    error: str | None = None,
    code: int = 200,
) -> Any:
    page = render_template(
        "posters/paper_entry.html",
        round=round_,
        group=group,
        instrument=instrument,
        audience=instrument.audience(audience),
        form=form,
        problems=form.problems(),
        error=error,
        entered=paper.paper_count(get_session(), round_.id, group.id),
    )
    return make_response(page, code)


@bp.route("/<int:round_id>/paper/entry", methods=["GET", "POST"])
@require("paper.enter")
def entry(round_id: int) -> Any:
    """Type in one paper questionnaire; after saving, the same group and audience again."""
    _user, round_ = staff_round(round_id)
    instrument = _instrument(round_)
    group = _group(round_, request.args.get("group"))
    audience = request.args.get("audience", "")
    if audience not in instrument.audience_ids:
        abort(problem(_("Hãy chọn phiếu trẻ em hoặc phiếu người dân."), 400))
    form = paper_form(instrument, audience, "vi")
    if request.method == "GET":
        form.key.data = survey.new_submission_key()
        return _entry_page(round_, group, instrument, audience, form)
    valid = form.validate_on_submit()
    if not (check_choices(form) and valid):
        return _entry_page(
            round_,
            group,
            instrument,
            audience,
            form,
            code=400,
            error=_("Phiếu chưa được lưu: hãy sửa các ô được đánh dấu."),
        )
    try:
        result = paper.enter_paper_form(
            get_session(),
            group_id=group.id,
            round_id=round_.id,
            audience=audience,
            age_band=form.age_band.data,
            gender=form.gender.data or None,
            answers=form.answers(),
            key=form.key.data,
            instrument=instrument,
            secret=current_app.config["CLIENT_HASH_KEY"],
            timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        )
    except survey.SubmitRefused as refused:
        message = str(REFUSALS.get(refused.reason, REFUSALS["unknown"]))
        return _entry_page(round_, group, instrument, audience, form, error=message, code=409)
    except survey.InvalidSubmission:
        return _entry_page(
            round_,
            group,
            instrument,
            audience,
            form,
            code=400,
            error=_("Phiếu chưa được lưu: hãy sửa các ô được đánh dấu."),
        )
    if result.duplicate:
        flash(_("Phiếu này đã được lưu trước đó (không lưu lần hai)."), "success")
    else:
        flash(_("Đã lưu phiếu."), "success")
    return redirect(
        url_for("paper.entry", round_id=round_id, group=group.id, audience=audience), 303
    )
