"""The round's workflow page, its steps and the history of any value (dossier: survey_app/dossier).

URL map (blueprint "rounds"):
  GET  /rounds/                        the ward's assessment rounds
  GET  /rounds/<id>                    stage, next allowed steps (POST buttons), lock hash
  POST /rounds/<id>/consolidate | approve | lock        steps without data (EmptyForm)
  POST /rounds/<id>/post | send | decide | reopen       steps with a small form
  POST /rounds/<id>/open_survey | close_survey          the survey's steps (with a reason)
  GET  /audit/history?entity=…&id=…    who changed a value or a round, when, old → new, why
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey_app.accounts.auth import can, can_access_ward, can_read_unit, require
from survey_app.accounts.scope import me, round_or_404, rounds_of
from survey_app.audit import log as audit
from survey_app.core.db import get_session, write_transaction
from survey_app.core.forms import EmptyForm
from survey_app.core.i18n import _
from survey_app.core.security import error_response
from survey_app.models import (
    AssessmentRound,
    AuditEntry,
    PosterToken,
    ResidentialGroup,
    User,
    Ward,
)
from survey_app.models import Response as SurveyResponse
from survey_app.workspace import criteria as criteria_service
from survey_app.workspace import lifecycle as service
from survey_app.workspace import procedure, workflow
from survey_app.workspace.criteria import WorkspaceError
from survey_app.workspace.round_forms import (
    DecisionForm,
    LockForm,
    PostForm,
    ReasonForm,
    ReopenForm,
    SendForm,
)
from survey_app.workspace.scorecard import active_lock
from survey_app.workspace.web import concurrent_change, refused

bp = Blueprint("rounds", __name__)

# Entities whose history a ward's staff may read (other entities: administrators only).
WARD_ENTITIES = ("round", "criterion_value", "criterion_entry")
# The other entities an administrator may read, by model (only their own ward's, unless the
# administrator has no ward); the ward is found through `_entity_ward`.
ENTITY_MODELS = {
    "user": User,
    "ward": Ward,
    "residential_group": ResidentialGroup,
    "assessment_round": AssessmentRound,
    "poster_token": PosterToken,
    "response": SurveyResponse,
}
# Steps that carry data in a small form (the others are a bare POST button).
FORM_STEPS = (
    "lock",
    "post",
    "send",
    "decide",
    "reopen",
    "open_survey",
    "close_survey",
    "allow_provisional",
)


def _forms() -> dict[str, FlaskForm]:
    return {
        "post": PostForm(prefix="post"),
        "send": SendForm(prefix="send"),
        "decide": DecisionForm(prefix="decide"),
        "reopen": ReopenForm(prefix="reopen"),
        "lock": LockForm(prefix="lock"),
        "open_survey": ReasonForm(prefix="open_survey"),
        "close_survey": ReasonForm(prefix="close_survey"),
        "allow_provisional": ReasonForm(prefix="allow_provisional"),
    }


def _page(round_: AssessmentRound, forms: dict[str, FlaskForm] | None = None, status: int = 200):
    session = get_session()
    flow = workflow.workflow(session, round_.id)
    names = {
        u.id: u.display_name or u.username
        for u in session.scalars(select(User).where(User.ward_id == round_.ward_id))
    }
    lock = active_lock(session, round_.id)
    changes = [
        (row, service.step_label(row.action.removeprefix("round.")))
        for row in audit.history(session, "round", round_.id)
        if row.action.removeprefix("round.") in service.PERMISSIONS
    ]
    page = render_template(
        "workspace/round.html",
        round=round_,
        flow=flow,
        changes=changes,
        viewer_id=me().id,
        local=procedure.local_time,
        provisional=procedure.provisional_rows(lock) if lock else [],
        posting_min_days=procedure.posting_min_days(criteria_service.rules_for(round_)),
        posting_max_ahead=procedure.POSTING_MAX_START_DAYS_AHEAD,
        stage=flow.stage if flow else "entering",
        stages=service.stage_labels(),
        actions=service.allowed_actions(session, round_, me()),
        action_labels={step: service.step_label(step) for step in service.PERMISSIONS},
        lock=lock,
        names=names,
        forms=forms or _forms(),
        empty=EmptyForm(),
        can_download=can("dossier.download")
        and workflow.stage_at_least(flow.stage if flow else "entering", "consolidated"),
    )
    return page, status


@bp.get("/rounds/")
@require("rounds.read")
def index() -> str:
    """The rounds of the signed-in user's ward (every ward for an administrator without one)."""
    session = get_session()
    found = rounds_of(me())
    return render_template(
        "workspace/rounds.html",
        rounds=[(r, workflow.stage(session, r.id)) for r in found],
        stages=service.stage_labels(),
    )


@bp.get("/rounds/<int:round_id>")
@require("rounds.read")
def show(round_id: int) -> Any:
    """The workflow page: where the round stands and the next steps this user may take."""
    return _page(round_or_404(round_id))


def _run(round_id: int, form: FlaskForm, step: Callable[..., Any], action: str) -> Any:
    """Check the step may be taken now, validate ``form``, run ``step`` in one transaction."""
    round_ = round_or_404(round_id)
    form_name = action if action in FORM_STEPS else ""
    try:
        service.check_step(get_session(), round_, action, me())
    except WorkspaceError as exc:
        return refused(exc)
    if not form.validate_on_submit():
        forms = _forms()
        if form_name:
            forms[form_name] = form
        flash(_("Thông tin chưa hợp lệ, xem thông báo ở từng ô."), "error")
        return _page(round_, forms, 422)
    try:
        with write_transaction(get_session()) as tx:
            step(tx, round_)
            reached = workflow.stage(tx, round_.id)
    except WorkspaceError as exc:
        if exc.status == 422 and form_name:
            forms = _forms()
            forms[form_name] = form
            flash(str(exc), "error")
            return _page(round_, forms, 422)
        return refused(exc)
    except IntegrityError:
        return concurrent_change()
    flash(service.done_message(action, reached), "success")
    return redirect(url_for(".show", round_id=round_.id), 303)


@bp.post("/rounds/<int:round_id>/consolidate")
@require(service.PERMISSIONS["consolidate"])
def consolidate(round_id: int) -> Any:
    """The culture-social officer consolidates the submitted criteria."""
    return _run(
        round_id,
        EmptyForm(),
        lambda tx, r: service.consolidate_round(tx, r, actor=me()),
        "consolidate",
    )


@bp.post("/rounds/<int:round_id>/approve")
@require(service.PERMISSIONS["approve"])
def approve(round_id: int) -> Any:
    """A council member approves (the second approval must be another member's)."""
    return _run(
        round_id, EmptyForm(), lambda tx, r: service.approve_round(tx, r, actor=me()), "approve"
    )


@bp.post("/rounds/<int:round_id>/lock")
@require(service.PERMISSIONS["lock"])
def lock(round_id: int) -> Any:
    """Freeze the approved score with its inputs' hash."""
    form = LockForm(prefix="lock")
    return _run(round_id, form, lambda tx, r: service.lock_round(tx, r, actor=me()), "lock")


@bp.post("/rounds/<int:round_id>/post")
@require(service.PERMISSIONS["post"])
def post(round_id: int) -> Any:
    """Record the public posting of the result."""
    form = PostForm(prefix="post")
    return _run(
        round_id,
        form,
        lambda tx, r: service.post_results(
            tx, r, start=form.start.data, days=form.days.data, actor=me()
        ),
        "post",
    )


@bp.post("/rounds/<int:round_id>/send")
@require(service.PERMISSIONS["send"])
def send(round_id: int) -> Any:
    """Record the dossier sent to the recognising authority."""
    form = SendForm(prefix="send")
    return _run(
        round_id,
        form,
        lambda tx, r: service.send_to_authority(
            tx, r, sent_on=form.sent_on.data, letter_number=form.letter.data, actor=me()
        ),
        "send",
    )


@bp.post("/rounds/<int:round_id>/decide")
@require(service.PERMISSIONS["decide"])
def decide(round_id: int) -> Any:
    """Record the recognising authority's decision."""
    form = DecisionForm(prefix="decide")
    return _run(
        round_id,
        form,
        lambda tx, r: service.record_decision(
            tx,
            r,
            number=form.number.data,
            date=form.date.data,
            authority=form.authority.data,
            recognised=form.result.data == "yes",
            actor=me(),
        ),
        "decide",
    )


@bp.post("/rounds/<int:round_id>/reopen")
@require(service.PERMISSIONS["reopen"])
def reopen(round_id: int) -> Any:
    """Return the round to data entry, with a reason."""
    form = ReopenForm(prefix="reopen")
    return _run(
        round_id,
        form,
        lambda tx, r: service.reopen_round(tx, r, reason=form.reason.data, actor=me()),
        "reopen",
    )


@bp.post("/rounds/<int:round_id>/open_survey")
@require(service.PERMISSIONS["open_survey"])
def open_survey(round_id: int) -> Any:
    """Let the round's survey take answers (only before the lock)."""
    form = ReasonForm(prefix="open_survey")
    return _run(
        round_id,
        form,
        lambda tx, r: service.open_survey(tx, r, reason=form.reason.data, actor=me()),
        "open_survey",
    )


@bp.post("/rounds/<int:round_id>/close_survey")
@require(service.PERMISSIONS["close_survey"])
def close_survey(round_id: int) -> Any:
    """Stop the round's survey taking answers."""
    form = ReasonForm(prefix="close_survey")
    return _run(
        round_id,
        form,
        lambda tx, r: service.close_survey(tx, r, reason=form.reason.data, actor=me()),
        "close_survey",
    )


@bp.post("/rounds/<int:round_id>/allow_provisional")
@require(service.PERMISSIONS["allow_provisional"])
def allow_provisional(round_id: int) -> Any:
    """The administrator allows sending although the score used provisional rule rows."""
    form = ReasonForm(prefix="allow_provisional")
    return _run(
        round_id,
        form,
        lambda tx, r: service.allow_provisional(tx, r, reason=form.reason.data, actor=me()),
        "allow_provisional",
    )


def _history_scope(entity: str, entity_id: str) -> None:
    """403/404 unless the signed-in user may read this entity's history."""
    user = me()
    if entity not in WARD_ENTITIES:
        if not can("audit.read", user):
            abort(403)
        if user.ward_id is not None:
            _require_entity_in_ward(user, entity, entity_id)
        return
    round_part, _sep, key = entity_id.partition(":")
    if not round_part.isdigit():
        abort(404)
    round_ = round_or_404(int(round_part))
    if entity == "round":
        return
    rules = criteria_service.rules_for(round_)
    spec = rules.input(key)
    section_id = spec.group if spec is not None else key
    try:
        part = criteria_service.round_section(get_session(), round_, section_id)
    except KeyError:
        abort(404)
    if not can_read_unit(user, part.unit):
        abort(403)


def _entity_ward(entity: str, entity_id: int) -> int | None:
    """The ward a stored thing belongs to (None when it does not exist or has no ward)."""
    session = get_session()
    obj = session.get(ENTITY_MODELS[entity], entity_id)
    if obj is None:
        abort(404)
    if isinstance(obj, Ward):
        return obj.id
    if isinstance(obj, PosterToken | SurveyResponse):
        obj = session.get(AssessmentRound, obj.round_id)
    return getattr(obj, "ward_id", None)


def _require_entity_in_ward(user: User, entity: str, entity_id: str) -> None:
    """404/403 unless the thing belongs to the ward-scoped administrator's own ward.

    Another ward's users, groups, tokens and rounds have sequential ids: without this a
    ward's administrator read every ward's history. Unknown kinds of entity fall back to
    the wards recorded on their audit rows: all of them must be the reader's.
    """
    if not entity_id.isdigit() or int(entity_id) > 2**31 - 1:  # ids are 32-bit on PostgreSQL
        abort(404)
    if entity in ENTITY_MODELS:
        if not can_access_ward(user, _entity_ward(entity, int(entity_id))):
            abort(404)  # another ward's thing answers like one that does not exist
        return
    wards = set(
        get_session().scalars(
            select(AuditEntry.ward_id).where(
                AuditEntry.entity == entity, AuditEntry.entity_id == entity_id
            )
        )
    )
    if not wards:
        abort(404)
    if wards != {user.ward_id}:
        abort(404)


@bp.get("/audit/history")
@require("rounds.read")
def history() -> Any:
    """Every recorded change of one thing: who, when, old → new, and why."""
    entity = request.args.get("entity", "").strip()
    entity_id = request.args.get("id", "").strip()
    if not entity or not entity_id or len(entity) > 64 or len(entity_id) > 64:
        return error_response(400, message=_("Thiếu tham số entity và id."))
    _history_scope(entity, entity_id)
    rows = audit.history(get_session(), entity, entity_id)
    return render_template(
        "audit/history.html",
        entity=entity,
        entity_id=entity_id,
        rows=[(row, audit.decode(row.old), audit.decode(row.new)) for row in rows],
    )
