"""Criteria entry: the list of a round's criteria by owner unit, and one criterion's form.

URL map (blueprint "criteria"):
  GET       /rounds/<id>/criteria                      criteria grouped by unit, state and owner
  GET, POST /rounds/<id>/criteria/<criterion>          the entry form (POST saves a draft)
  POST      /rounds/<id>/criteria/<criterion>/submit   send the criterion to the consolidator

A unit officer reads and edits only the criteria their unit is in charge of (403 otherwise):
the round's assignment, from the ward's plan for the year (`survey_app.plan.owners`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError

from survey_app.accounts.auth import can_edit_unit, can_read_unit, require
from survey_app.accounts.scope import me, round_or_404
from survey_app.accounts.users import UNITS
from survey_app.core.db import get_session, write_transaction
from survey_app.core.forms import EmptyForm
from survey_app.core.i18n import _, current_language
from survey_app.models import AssessmentRound
from survey_app.plan.evidence_store import plan_evidence
from survey_app.plan.owners import plan_for_round, round_owners
from survey_app.workspace import criteria as service
from survey_app.workspace.criteria_forms import (
    CriterionFormBase,
    criterion_form,
    note_field_name,
    submitted_values,
    value_field_name,
)
from survey_app.workspace.web import concurrent_change, refused

bp = Blueprint("criteria", __name__, url_prefix="/rounds")


def _section_or_404(round_: AssessmentRound, section_id: str) -> service.Section:
    try:
        part = service.round_section(get_session(), round_, section_id)
    except KeyError:
        abort(404)
    if not can_read_unit(me(), part.unit):
        abort(403)
    return part


def _editable(round_: AssessmentRound, part: service.Section) -> bool:
    stage = service.stage_of(get_session(), round_.id)
    return can_edit_unit(me(), part.unit) and not part.from_survey and stage == "entering"


def _form(round_: AssessmentRound, part: service.Section) -> CriterionFormBase:
    stored = service.stored_values(get_session(), round_.id)
    shown = {k: (row.plain, row.source_note) for k, row in stored.items()}
    return criterion_form(part, current_language(), shown)


def _attach(form: CriterionFormBase, errors: dict[str, str]) -> None:
    """Put each service message next to its field (a value, or its source note)."""
    for key, message in errors.items():
        name = note_field_name(key.removesuffix("#note")) if key.endswith("#note") else None
        name = name or value_field_name(key)
        if name in form:
            form[name].errors = [*form[name].errors, message]


def _page(round_: AssessmentRound, part: service.Section, form: Any, status: int = 200) -> Any:
    session = get_session()
    lang = current_language()
    stored = service.stored_values(session, round_.id)
    editable = _editable(round_, part)
    page = render_template(
        "workspace/criteria_edit.html",
        round=round_,
        part=part,
        form=form,
        submit_form=EmptyForm(),
        value_field=value_field_name,
        note_field=note_field_name,
        stored=stored,
        entry=service.entries(session, round_.id).get(part.id),
        editable=editable,
        problems=service.missing_problems(part, stored, lang) if editable else {},
        unit_name=UNITS.get(part.unit, {}).get(lang, part.unit),
        plan=plan_for_round(session, round_),
        lang=lang,
        evidence=plan_evidence(session, round_, [spec.key for spec in part.inputs]),
    )
    return page, status


@bp.get("/<int:round_id>/criteria")
@require("rounds.read")
def index(round_id: int) -> str:
    """The round's criteria grouped by owner unit, each with its entry state."""
    round_ = round_or_404(round_id)
    session = get_session()
    rules = service.rules_for(round_)
    parts = service.readable_sections(me(), rules, round_owners(session, round_, rules))
    lang = current_language()
    groups = [(u.id, u.name.get(lang), [p for p in parts if p.unit == u.id]) for u in rules.units]
    return render_template(
        "workspace/criteria_list.html",
        round=round_,
        units=[g for g in groups if g[2]],
        states=service.entries(session, round_.id),
        stage=service.stage_of(session, round_.id),
        plan=plan_for_round(session, round_),
        lang=lang,
    )


@bp.route("/<int:round_id>/criteria/<section_id>", methods=["GET", "POST"])
@require("rounds.read")
def edit(round_id: int, section_id: str) -> Any:
    """One criterion's values and source notes; saving keeps it a draft until submitted."""
    round_ = round_or_404(round_id)
    part = _section_or_404(round_, section_id)
    form = _form(round_, part)
    if not form.is_submitted():
        return _page(round_, part, form)
    if not can_edit_unit(me(), part.unit):
        abort(403)
    try:
        service.check_may_edit(get_session(), round_, part, me())
    except service.WorkspaceError as exc:
        return refused(exc)
    if not form.validate():
        flash(_("Số liệu chưa hợp lệ, xem thông báo ở từng ô."), "error")
        return _page(round_, part, form, 422)
    values, notes = submitted_values(form, part)
    try:
        with write_transaction(get_session()) as tx:
            changed = service.record_criterion_values(
                tx, round_, part.id, values, notes, actor=me(), reason=form.reason.data or ""
            )
    except service.WorkspaceError as exc:
        if exc.status != 422:
            return refused(exc)
        _attach(form, exc.errors)
        flash(str(exc), "error")
        return _page(round_, part, form, 422)
    except IntegrityError:
        return concurrent_change()
    flash(_("Đã lưu %(n)d thay đổi.", n=changed), "success")
    return redirect(url_for(".edit", round_id=round_.id, section_id=part.id), 303)


@bp.post("/<int:round_id>/criteria/<section_id>/submit")
@require("rounds.read")
def submit(round_id: int, section_id: str) -> Any:
    """Send a complete criterion to the culture-social officer."""
    round_ = round_or_404(round_id)
    part = _section_or_404(round_, section_id)
    if not can_edit_unit(me(), part.unit):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with write_transaction(get_session()) as tx:
            service.submit_criterion(tx, round_, part.id, actor=me())
    except service.WorkspaceError as exc:
        if exc.status != 422:
            return refused(exc)
        form = _form(round_, part)
        _attach(form, exc.errors)
        flash(str(exc), "error")
        return _page(round_, part, form, 422)
    except IntegrityError:
        return concurrent_change()
    flash(_("Đã gửi số liệu cho công chức Văn hóa - Xã hội."), "success")
    return redirect(url_for(".index", round_id=round_.id), 303)
