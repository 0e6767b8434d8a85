"""The steps of a round's one lifecycle: the survey (open → closed) and the workflow.

entering → consolidated (culture-social officer, every section submitted) → approved (two
different council members) → locked (exact inputs, rule version and hashes frozen; the survey
closes) → posted (start date, number of days) → sent (date, letter number) → decided (number,
date, authority, result). Reopening returns a round to entering, reopens its survey and needs
a reason. The survey opens and closes by its own two steps while the figures are not frozen.

Which step may start from where, what it does to the survey and what it is called are the
table of survey_app/core/lifecycle.py; each step here is one function that runs in the
caller's write transaction and writes its audit row there. A skipped or repeated step is
refused with a `WorkspaceError` (409) saying what the next step is.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import InvalidInputs, canonical_inputs
from survey_app.audit import log as audit
from survey_app.core import lifecycle as table
from survey_app.core.i18n import _
from survey_app.models import (
    AssessmentRound,
    CouncilMember,
    LockedScore,
    PosterToken,
    RoundWorkflow,
    User,
)
from survey_app.results import frozen
from survey_app.workspace import procedure
from survey_app.workspace.criteria import (
    WorkspaceError,
    entered_sections,
    entries,
    lang,
    now,
    rules_for,
)
from survey_app.workspace.scorecard import active_lock, compute, round_inputs
from survey_app.workspace.steps import (
    PERMISSIONS,
    allowed_actions,
    check_step,
    done_message,
    needs_provisional_override,
    stage_label,
    stage_labels,
    step_label,
)
from survey_app.workspace.workflow import workflow

REASON_MIN_LENGTH = 5


def _require_reason(reason: str) -> str:
    reason = " ".join(str(reason or "").split())
    if len(reason) < REASON_MIN_LENGTH:
        raise WorkspaceError(
            _("Ghi rõ lý do (ít nhất %(n)d ký tự).", n=REASON_MIN_LENGTH),
            errors={"reason": ""},
        )
    return reason


def _begin(
    session: Session, round_: AssessmentRound, step: str, actor: User | None
) -> RoundWorkflow:
    check_step(session, round_, step, actor)
    flow = workflow(session, round_.id)
    if flow is None:
        flow = RoundWorkflow(round_id=round_.id, stage="entering", updated_at=now())
        session.add(flow)
    return flow


def _set_survey(round_: AssessmentRound, step: str) -> dict[str, str]:
    """Apply the step's effect on the survey; the audit details of the change."""
    wanted = table.transition(step).survey
    if not wanted or round_.status == wanted:
        return {}
    old, round_.status = round_.status, wanted
    return {"survey": wanted, "survey_was": old}


def _finish(
    session: Session,
    round_: AssessmentRound,
    flow: RoundWorkflow,
    step: str,
    old_stage: str,
    actor: User | None,
    details: dict[str, object] | None = None,
    reason: str = "",
    *,
    advance: bool = True,
) -> RoundWorkflow:
    """Move to the step's stage (unless ``advance`` is False: a first of two approvals) and
    survey status, and write the step's audit row."""
    move = table.transition(step)
    if move.target and advance:
        flow.stage = move.target
    survey = _set_survey(round_, step)
    flow.updated_at = now()
    session.flush()
    audit.record(
        session,
        action=f"round.{step}",
        entity="round",
        entity_id=round_.id,
        old={"stage": old_stage, "survey": survey.get("survey_was", round_.status)},
        new={"stage": flow.stage, "survey": round_.status} | (details or {}),
        reason=reason,
        actor=actor,
        ward_id=round_.ward_id,
    )
    return flow


def open_survey(
    session: Session, round_: AssessmentRound, *, reason: str, actor: User | None
) -> RoundWorkflow:
    """Let the round's survey take answers (only while its figures are not frozen)."""
    flow = _begin(session, round_, "open_survey", actor)
    why = _require_reason(reason)
    return _finish(session, round_, flow, "open_survey", flow.stage, actor, reason=why)


def close_survey(
    session: Session, round_: AssessmentRound, *, reason: str, actor: User | None
) -> RoundWorkflow:
    """Stop the round's survey taking answers (posters then show the results page)."""
    flow = _begin(session, round_, "close_survey", actor)
    why = _require_reason(reason)
    return _finish(session, round_, flow, "close_survey", flow.stage, actor, reason=why)


def consolidate_round(session: Session, round_: AssessmentRound, *, actor: User) -> RoundWorkflow:
    """The culture-social officer closes data entry once every section has been submitted."""
    flow = _begin(session, round_, "consolidate", actor)
    states = entries(session, round_.id)
    pending = [
        part.title(lang())
        for part in entered_sections(rules_for(round_))
        if part.id not in states or states[part.id].state != "submitted"
    ]
    if pending:
        raise WorkspaceError(
            _("Chưa tổng hợp được, các mục chưa gửi: %(items)s.", items="; ".join(pending)),
            status=409,
        )
    flow.consolidated_by_id, flow.consolidated_at = actor.id, now()
    return _finish(session, round_, flow, "consolidate", "entering", actor)


def _check_on_council(session: Session, round_: AssessmentRound, actor: User) -> None:
    """Once the ward's council list links accounts, only those accounts approve.

    The minutes print the council list, so an approval by an account that is not on it
    would be signed by nobody the minutes name. A ward that has linked no account yet
    (set up before council lists existed) keeps approving with its council accounts.
    """
    linked = set(
        session.scalars(
            select(CouncilMember.user_id).where(
                CouncilMember.ward_id == round_.ward_id, CouncilMember.user_id.is_not(None)
            )
        )
    )
    if linked and actor.id not in linked:
        raise WorkspaceError(
            _(
                "Tài khoản của bạn không có trong danh sách Hội đồng của phường, nên chưa phê "
                "duyệt được. Nhờ quản trị thêm bạn vào Hội đồng (Quản trị → Hội đồng)."
            ),
            status=403,
        )


def approve_round(session: Session, round_: AssessmentRound, *, actor: User) -> RoundWorkflow:
    """A council member approves; the second approval, by a different member, approves the round."""
    flow = _begin(session, round_, "approve", actor)
    _check_on_council(session, round_, actor)
    if flow.first_approved_by_id is None:
        flow.first_approved_by_id, flow.first_approved_at = actor.id, now()
        one = {"approval": 1}
        return _finish(session, round_, flow, "approve", "consolidated", actor, one, advance=False)
    if flow.first_approved_by_id == actor.id:
        raise WorkspaceError(
            _("Lần phê duyệt thứ hai phải do một thành viên Hội đồng khác thực hiện."), status=409
        )
    flow.second_approved_by_id, flow.second_approved_at = actor.id, now()
    return _finish(session, round_, flow, "approve", "consolidated", actor, {"approval": 2})


def lock_round(session: Session, round_: AssessmentRound, *, actor: User) -> LockedScore:
    """Freeze the approved score (inputs, rule version, locality, hashes) and what its survey
    figures read outside the answer counters (populations, response tallies), and close the
    survey.

    The round's poster rows are locked first, so an answer being stored right now is either
    committed before the figures are read or refused after (its token update waits).
    """
    flow = _begin(session, round_, "lock", actor)
    session.execute(
        select(PosterToken.id).where(PosterToken.round_id == round_.id).with_for_update()
    ).all()
    rules = rules_for(round_)
    inputs, _survey = round_inputs(session, round_)
    try:
        card = compute(inputs, rules, round_.ward.locality_type)
    except InvalidInputs as exc:
        raise WorkspaceError("; ".join(e.message(lang()) for e in exc.errors), status=409) from None
    if card.missing:
        raise WorkspaceError(
            _("Chưa khóa được, còn thiếu số liệu: %(keys)s.", keys=", ".join(card.missing)),
            status=409,
        )
    lock = LockedScore(
        round_id=round_.id,
        inputs_json=canonical_inputs(card.inputs),
        rule_version=rules.version,
        rules_sha256=rules.sha256,
        locality=card.locality,
        scorecard_json=json.dumps(card.to_dict(), ensure_ascii=False, sort_keys=True),
        survey_json=frozen.record(session, round_.id),
        inputs_sha256=card.inputs_sha256,
        total=card.total,
        recognised=card.recognised,
        locked_by_id=actor.id,
        locked_at=now(),
        active=True,
    )
    session.add(lock)
    details = {"inputs_sha256": card.inputs_sha256, "total": card.total, "rules": rules.version}
    _finish(session, round_, flow, "lock", "approved", actor, details)
    return lock


def post_results(
    session: Session, round_: AssessmentRound, *, start: dt.date, days: int, actor: User
) -> RoundWorkflow:
    """Record the public posting of the locked result: its first day (from the day of the lock,
    at most the procedure's bound ahead of today) and how many days (at least the minimum)."""
    flow = _begin(session, round_, "post", actor)
    procedure.check_posting(rules_for(round_), days)
    lock = active_lock(session, round_.id)
    assert lock is not None  # stage "locked"
    procedure.check_posting_start(start, lock.locked_at)
    flow.posting_start, flow.posting_days = start, days
    details = {"posting_start": start, "posting_days": days}
    return _finish(session, round_, flow, "post", "locked", actor, details)


def send_to_authority(
    session: Session, round_: AssessmentRound, *, sent_on: dt.date, letter_number: str, actor: User
) -> RoundWorkflow:
    """Record that the dossier went to the recognising authority, once the posting ended."""
    flow = _begin(session, round_, "send", actor)
    assert flow.posting_start is not None and flow.posting_days is not None  # stage "posted"
    procedure.check_sendable(active_lock(session, round_.id), flow)
    procedure.check_not_future(sent_on, "sent_on")
    posting_end = flow.posting_start + dt.timedelta(days=flow.posting_days)
    if sent_on < posting_end:
        raise WorkspaceError(
            _("Chỉ gửi hồ sơ sau khi hết thời gian công khai (từ ngày %(day)s).",
              day=posting_end.strftime("%d/%m/%Y")),
            errors={"sent_on": ""},
        )  # fmt: skip
    if not letter_number.strip():
        raise WorkspaceError(_("Nhập số công văn (tờ trình) đề nghị."), errors={"letter": ""})
    flow.sent_on, flow.letter_number = sent_on, letter_number.strip()
    details = {"sent_on": sent_on, "letter_number": flow.letter_number}
    if flow.provisional_override_reason:
        details["provisional_override"] = flow.provisional_override_reason
    return _finish(session, round_, flow, "send", "posted", actor, details)


def record_decision(
    session: Session,
    round_: AssessmentRound,
    *,
    number: str,
    date: dt.date,
    authority: str,
    recognised: bool,
    actor: User,
) -> RoundWorkflow:
    """Record the recognising authority's decision: number, date, authority and result."""
    flow = _begin(session, round_, "decide", actor)
    if not number.strip() or not authority.strip():
        raise WorkspaceError(_("Nhập số quyết định và cơ quan ban hành."))
    if flow.sent_on is not None and date < flow.sent_on:
        raise WorkspaceError(_("Ngày quyết định không được trước ngày gửi hồ sơ."))
    procedure.check_not_future(date, "date")
    lock = active_lock(session, round_.id)
    why = procedure.below_threshold(lock) if lock is not None else ""
    if recognised and why:
        raise WorkspaceError(
            _("Không ghi nhận “Được công nhận” được: %(why)s", why=why), errors={"result": ""}
        )
    flow.decision_number, flow.decision_date = number.strip(), date
    flow.decision_authority, flow.decision_recognised = authority.strip(), recognised
    details = {"number": flow.decision_number, "date": date, "recognised": recognised}
    return _finish(session, round_, flow, "decide", "sent", actor, details | {"by": authority})


def allow_provisional(
    session: Session, round_: AssessmentRound, *, reason: str, actor: User
) -> RoundWorkflow:
    """The administrator allows sending although the locked score used provisional rows."""
    flow = _begin(session, round_, "allow_provisional", actor)
    why = _require_reason(reason)
    if not needs_provisional_override(session, round_.id):
        raise WorkspaceError(
            _("Không cần cho phép: điểm đã khóa không dùng dòng tạm tính, hoặc đã được cho phép."),
            status=409,
        )
    flow.provisional_override_reason = why
    flow.provisional_override_by = actor.display_name or actor.username
    flow.provisional_override_at = now()
    rows = len(procedure.provisional_rows(active_lock(session, round_.id)))
    return _finish(
        session, round_, flow, "allow_provisional", flow.stage, actor, {"rows": rows}, why
    )


def reopen_round(
    session: Session, round_: AssessmentRound, *, reason: str, actor: User
) -> RoundWorkflow:
    """Return a round to data entry and reopen its survey (approvals cleared, the locked score
    kept but inactive)."""
    flow = _begin(session, round_, "reopen", actor)
    why = _require_reason(reason)
    old_stage = flow.stage
    lock = active_lock(session, round_.id)
    if lock is not None:
        lock.active = False
    flow.first_approved_by_id = flow.first_approved_at = None
    flow.second_approved_by_id = flow.second_approved_at = None
    flow.posting_start = flow.posting_days = flow.sent_on = None
    flow.letter_number = ""
    flow.provisional_override_reason, flow.provisional_override_by = "", ""
    flow.provisional_override_at = None
    details = {"locked_score_id": lock.id if lock else None}
    return _finish(session, round_, flow, "reopen", old_stage, actor, details, why)


__all__ = [
    "PERMISSIONS",
    "REASON_MIN_LENGTH",
    "allow_provisional",
    "allowed_actions",
    "approve_round",
    "check_step",
    "close_survey",
    "consolidate_round",
    "done_message",
    "lock_round",
    "needs_provisional_override",
    "open_survey",
    "post_results",
    "record_decision",
    "reopen_round",
    "send_to_authority",
    "stage_label",
    "stage_labels",
    "step_label",
]
