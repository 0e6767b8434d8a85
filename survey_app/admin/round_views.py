"""Assessment rounds of a ward: create, open and close the survey, every group's survey link.

URL map (prefix /admin/wards/<ward>):
  GET|POST  /rounds                          the rounds, and a new one (posters for every group)
  POST      /rounds/<round>/<open|close>     with a reason (reopening needs one too)
  GET       /rounds/<round>/links            every group's survey link, copy buttons, posters
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from assessment import default_version, instrument, ruleset
from survey_app.accounts.auth import require
from survey_app.accounts.scope import me, round_or_404, rounds_of
from survey_app.admin import rounds
from survey_app.admin.forms import RoundForm, StatusForm
from survey_app.admin.setup import SetupError
from survey_app.admin.web import choices, saved, ward_or_404
from survey_app.core.config import is_loopback_url
from survey_app.core.db import get_session
from survey_app.core.i18n import _
from survey_app.models import AssessmentRound, Ward
from survey_app.posters import data as poster_data
from survey_app.survey import tokens
from survey_app.workspace.lifecycle import stage_label
from survey_app.workspace.workflow import stage

bp = Blueprint("admin_rounds", __name__, url_prefix="/admin/wards/<int:ward_id>")


def _round_form() -> RoundForm:
    form = RoundForm()
    form.rule_version.choices = choices((v, v) for v in ruleset.available_versions())
    form.instrument_version.choices = choices((v, v) for v in instrument.available_versions())
    if not form.is_submitted():
        today = dt.date.today()
        form.rule_version.data = default_version()
        form.instrument_version.data = rounds.default_instrument_version()
        form.name.data = _("Năm %(year)d", year=today.year)
        form.period_start.data = dt.date(today.year, 1, 1)
        form.period_end.data = dt.date(today.year, 12, 31)
    return form


def _page(ward: Ward, form: RoundForm, errors: list[str] | None = None) -> str:
    session = get_session()
    found = rounds_of(me(), ward.id)
    return render_template(
        "admin/rounds.html",
        ward=ward,
        rounds=found,
        stages={r.id: stage_label(stage(session, r.id)) for r in found},
        form=form,
        status=StatusForm(formdata=None),
        errors=errors or [],
    )


def _round(ward: Ward, round_id: int) -> AssessmentRound:
    round_ = round_or_404(round_id)
    if round_.ward_id != ward.id:
        abort(404)
    return round_


@bp.route("/rounds", methods=["GET", "POST"])
@require("admin.rounds")
def index(ward_id: int) -> str | Response | tuple[str, int]:
    """The ward's rounds with their survey status; create a round."""
    ward = ward_or_404(ward_id)
    form = _round_form()
    if request.method == "GET":
        return _page(ward, form)
    if not form.validate():
        return _page(ward, form), 422
    try:
        round_, issued = rounds.create_round(
            get_session(),
            ward_code=ward.code,
            name=form.name.data,
            period_start=form.period_start.data,
            period_end=form.period_end.data,
            rule_version=form.rule_version.data,
            instrument_version=form.instrument_version.data,
            actor=me(),
            reason="admin page",
        )
    except SetupError as exc:
        return _page(ward, form, exc.errors), 422
    saved(_("Đã tạo đợt %(name)s và %(n)d mã QR.", name=round_.name, n=len(issued)))
    return redirect(url_for("admin_rounds.links", ward_id=ward.id, round_id=round_.id), code=303)


@bp.post("/rounds/<int:round_id>/<action>")
@require("admin.rounds")
def set_status(ward_id: int, round_id: int, action: str) -> Response | tuple[str, int]:
    """Close the survey (results can then be published) or open it again, with a reason."""
    ward = ward_or_404(ward_id)
    if action not in ("open", "close"):
        abort(404)
    round_ = _round(ward, round_id)
    form = StatusForm()
    if not form.validate():
        errors = [_("Hãy ghi lý do (ít nhất 5 ký tự) để mở hoặc đóng khảo sát.")]
        return _page(ward, _round_form(), errors), 422
    status = "open" if action == "open" else "closed"
    try:
        rounds.set_round_status(
            get_session(), round_.id, status, reason=form.reason.data, actor=me()
        )
    except SetupError as exc:
        return _page(ward, _round_form(), exc.errors), 409
    saved(_("Đã mở khảo sát.") if status == "open" else _("Đã đóng khảo sát."))
    return redirect(url_for("admin_rounds.index", ward_id=ward.id), code=303)


@bp.get("/rounds/<int:round_id>/links")
@require("admin.rounds")
def links(ward_id: int, round_id: int) -> str:
    """Every group's survey link in one table, with copy buttons and poster downloads."""
    ward = ward_or_404(ward_id)
    round_ = _round(ward, round_id)
    base = current_app.config["PUBLIC_BASE_URL"]
    rows = [
        {
            "group": g,
            "url": tokens.survey_url(base, g.token.token) if g.token else None,
            "short": poster_data.short_url(base, g.token.token) if g.token else None,
        }
        for g in poster_data.round_groups(get_session(), round_)
    ]
    return render_template(
        "admin/links.html",
        ward=ward,
        round=round_,
        rows=rows,
        base_url=base,
        loopback=is_loopback_url(base),
    )
