"""The round's workflow, from data entry to the recognising authority's decision.

entering → consolidated (culture-social officer, every section submitted) → approved (two
different council members) → locked (exact inputs, rule version and hashes frozen) → posted
(start date, number of days) → sent (date, letter number) → decided (number, date, authority,
result). Reopening returns a round to entering and needs a reason. A skipped or repeated step
is refused with a `WorkspaceError` (409) saying what the next step is. Each function runs in
the caller's write transaction and writes its audit row there.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from assessment import InvalidInputs, RuleSetError, canonical_inputs, inputs_sha256
from survey_app.audit import log as audit
from survey_app.core.i18n import _, _l
from survey_app.core.permissions import can_access_ward, check, has
from survey_app.models import AssessmentRound, LockedScore, RoundWorkflow, User
from survey_app.models.criteria import STAGES
from survey_app.rulesets import store as rule_store
from survey_app.workspace.criteria import (
    WorkspaceError,
    entered_sections,
    entries,
    lang,
    now,
    plain_values,
    rules_for,
    sections,
)
from survey_app.workspace.scorecard import active_lock, compute, round_inputs

STAGE_LABELS = {
    "entering": _l("Các đơn vị nhập số liệu"),
    "consolidated": _l("Đã tổng hợp, chờ Hội đồng thẩm định"),
    "approved": _l("Hội đồng đã phê duyệt"),
    "locked": _l("Đã khóa kết quả"),
    "posted": _l("Đang công khai kết quả"),
    "sent": _l("Đã gửi hồ sơ đề nghị công nhận"),
    "decided": _l("Đã có quyết định công nhận"),
}
ACTION_LABELS = {
    "consolidate": _l("Tổng hợp số liệu"),
    "approve": _l("Phê duyệt"),
    "lock": _l("Khóa kết quả"),
    "post": _l("Công khai kết quả"),
    "send": _l("Gửi hồ sơ đề nghị công nhận"),
    "decide": _l("Ghi nhận quyết định"),
    "reopen": _l("Mở lại để sửa số liệu"),
}
# The stages each step may start from.
FROM_STAGES = {
    "consolidate": ("entering",),
    "approve": ("consolidated",),
    "lock": ("approved",),
    "post": ("locked",),
    "send": ("posted",),
    "decide": ("sent",),
    "reopen": ("consolidated", "approved", "locked", "posted", "sent"),
}
# The permission each step needs (who holds it: survey_app/data/permissions.toml).
ACTION_PERMISSIONS = {action: check(f"round.{action}") for action in FROM_STAGES}
REASON_MIN_LENGTH = 5
FORWARD = ("consolidate", "approve", "lock", "post", "send", "decide")


@dataclass(frozen=True, slots=True)
class VerifyOutcome:
    """The result of `verify_locked`: ok, or every difference found."""

    ok: bool
    problems: tuple[str, ...]
    lock: LockedScore | None = None


def workflow(session: Session, round_id: int) -> RoundWorkflow | None:
    """The stored workflow row of a round (None until its first step)."""
    return session.get(RoundWorkflow, round_id)


def stage(session: Session, round_id: int) -> str:
    """The round's stage ("entering" until its first step)."""
    flow = workflow(session, round_id)
    return flow.stage if flow is not None else "entering"


def stage_at_least(current: str, wanted: str) -> bool:
    """True when ``current`` is ``wanted`` or a later stage."""
    return STAGES.index(current) >= STAGES.index(wanted)


def next_step(current: str) -> str | None:
    """The forward step a round at ``current`` takes next (None once decided)."""
    return next((a for a in FORWARD if current in FROM_STAGES[a]), None)


def allowed_actions(session: Session, round_: AssessmentRound, user: User | None) -> list[str]:
    """The steps ``user`` may take on the round now (the page shows them as buttons)."""
    if user is None or not can_access_ward(user, round_.ward_id):
        return []
    flow = workflow(session, round_.id)
    current = flow.stage if flow else "entering"
    actions = [
        a
        for a, stages in FROM_STAGES.items()
        if current in stages and has(user.role, ACTION_PERMISSIONS[a])
    ]
    if "approve" in actions and flow is not None and flow.first_approved_by_id == user.id:
        actions.remove("approve")  # the second approval must be somebody else's
    return actions


def check_step(session: Session, round_: AssessmentRound, action: str, actor: User) -> None:
    """Raise `WorkspaceError` unless ``actor`` may take ``action`` now (403 role, 409 order)."""
    if not can_access_ward(actor, round_.ward_id) or not has(
        actor.role, ACTION_PERMISSIONS[action]
    ):
        raise WorkspaceError(_("Tài khoản của bạn không được thực hiện bước này."), status=403)
    current = stage(session, round_.id)
    if current not in FROM_STAGES[action]:
        following = next_step(current)
        raise WorkspaceError(
            _(
                "Không thực hiện được “%(action)s”: đợt đánh giá đang ở bước “%(stage)s”. "
                "Bước tiếp theo: “%(next)s”.",
                action=ACTION_LABELS[action],
                stage=STAGE_LABELS[current],
                next=ACTION_LABELS[following] if following else _("không còn bước nào"),
            ),
            status=409,
        )


def _begin(session: Session, round_: AssessmentRound, action: str, actor: User) -> RoundWorkflow:
    check_step(session, round_, action, actor)
    flow = workflow(session, round_.id)
    if flow is None:
        flow = RoundWorkflow(round_id=round_.id, stage="entering", updated_at=now())
        session.add(flow)
    return flow


def _finish(
    session: Session,
    round_: AssessmentRound,
    flow: RoundWorkflow,
    action: str,
    old_stage: str,
    actor: User,
    details: dict[str, object] | None = None,
    reason: str = "",
) -> RoundWorkflow:
    flow.updated_at = now()
    session.flush()
    audit.record(
        session,
        action=f"round.{action}",
        entity="round",
        entity_id=round_.id,
        old={"stage": old_stage},
        new={"stage": flow.stage} | (details or {}),
        reason=reason,
        actor=actor,
        ward_id=round_.ward_id,
    )
    return flow


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
    flow.stage = "consolidated"
    flow.consolidated_by_id, flow.consolidated_at = actor.id, now()
    return _finish(session, round_, flow, "consolidate", "entering", actor)


def approve_round(session: Session, round_: AssessmentRound, *, actor: User) -> RoundWorkflow:
    """A council member approves; the second approval, by a different member, approves the round."""
    flow = _begin(session, round_, "approve", actor)
    if flow.first_approved_by_id is None:
        flow.first_approved_by_id, flow.first_approved_at = actor.id, now()
        return _finish(session, round_, flow, "approve", "consolidated", actor, {"approval": 1})
    if flow.first_approved_by_id == actor.id:
        raise WorkspaceError(
            _("Lần phê duyệt thứ hai phải do một thành viên Hội đồng khác thực hiện."), status=409
        )
    flow.second_approved_by_id, flow.second_approved_at = actor.id, now()
    flow.stage = "approved"
    return _finish(session, round_, flow, "approve", "consolidated", actor, {"approval": 2})


def lock_round(session: Session, round_: AssessmentRound, *, actor: User) -> LockedScore:
    """Freeze the approved score: the exact inputs, rule version, locality and their hashes."""
    flow = _begin(session, round_, "lock", actor)
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
        inputs_sha256=card.inputs_sha256,
        total=card.total,
        recognised=card.recognised,
        locked_by_id=actor.id,
        locked_at=now(),
        active=True,
    )
    session.add(lock)
    flow.stage = "locked"
    details = {"inputs_sha256": card.inputs_sha256, "total": card.total}
    _finish(session, round_, flow, "lock", "approved", actor, details | {"rules": rules.version})
    return lock


def post_results(
    session: Session, round_: AssessmentRound, *, start: dt.date, days: int, actor: User
) -> RoundWorkflow:
    """Record the public posting of the locked result: its first day and how many days."""
    flow = _begin(session, round_, "post", actor)
    if days < 1:
        raise WorkspaceError(_("Số ngày công khai phải lớn hơn 0."), errors={"days": ""})
    flow.posting_start, flow.posting_days, flow.stage = start, days, "posted"
    details = {"posting_start": start, "posting_days": days}
    return _finish(session, round_, flow, "post", "locked", actor, details)


def send_to_authority(
    session: Session, round_: AssessmentRound, *, sent_on: dt.date, letter_number: str, actor: User
) -> RoundWorkflow:
    """Record that the dossier went to the recognising authority, once the posting ended."""
    flow = _begin(session, round_, "send", actor)
    assert flow.posting_start is not None and flow.posting_days is not None  # stage "posted"
    posting_end = flow.posting_start + dt.timedelta(days=flow.posting_days)
    if sent_on < posting_end:
        raise WorkspaceError(
            _("Chỉ gửi hồ sơ sau khi hết thời gian công khai (từ ngày %(day)s).",
              day=posting_end.strftime("%d/%m/%Y")),
            errors={"sent_on": ""},
        )  # fmt: skip
    if not letter_number.strip():
        raise WorkspaceError(_("Nhập số công văn (tờ trình) đề nghị."), errors={"letter": ""})
    flow.sent_on, flow.letter_number, flow.stage = sent_on, letter_number.strip(), "sent"
    details = {"sent_on": sent_on, "letter_number": flow.letter_number}
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
    flow.decision_number, flow.decision_date = number.strip(), date
    flow.decision_authority, flow.decision_recognised = authority.strip(), recognised
    flow.stage = "decided"
    details = {"number": flow.decision_number, "date": date, "recognised": recognised}
    return _finish(session, round_, flow, "decide", "sent", actor, details | {"by": authority})


def reopen_round(
    session: Session, round_: AssessmentRound, *, reason: str, actor: User
) -> RoundWorkflow:
    """Return a round to data entry (approvals cleared, the locked score kept but inactive)."""
    flow = _begin(session, round_, "reopen", actor)
    if len(reason.strip()) < REASON_MIN_LENGTH:
        raise WorkspaceError(
            _("Ghi rõ lý do mở lại (ít nhất %(n)d ký tự).", n=REASON_MIN_LENGTH),
            errors={"reason": ""},
        )
    old_stage = flow.stage
    lock = active_lock(session, round_.id)
    if lock is not None:
        lock.active = False
    flow.stage = "entering"
    flow.first_approved_by_id = flow.first_approved_at = None
    flow.second_approved_by_id = flow.second_approved_at = None
    flow.posting_start = flow.posting_days = flow.sent_on = None
    flow.letter_number = ""
    details = {"locked_score_id": lock.id if lock else None}
    return _finish(session, round_, flow, "reopen", old_stage, actor, details, reason.strip())


def verify_locked(session: Session, round_: AssessmentRound) -> VerifyOutcome:
    """Recompute a locked score from its stored inputs and rule version; name every difference.

    Checks the stored inputs against their hash, the recomputed total and verdict against the
    stored ones, the rule file against the hash it had, and the values in the database against
    the locked inputs (a value changed after locking).
    """
    lock = active_lock(session, round_.id)
    if lock is None:
        return VerifyOutcome(False, ("round has no locked score",))
    problems: list[str] = []
    try:
        inputs = json.loads(lock.inputs_json)
        rules = rule_store.load(lock.rule_version, session)
        card = compute(inputs, rules, lock.locality)
    except (ValueError, RuleSetError) as exc:  # InvalidInputs and JSON errors are ValueErrors
        return VerifyOutcome(False, (f"stored inputs cannot be rescored: {exc}",), lock)
    if inputs_sha256(inputs) != lock.inputs_sha256:
        problems.append(
            f"inputs hash differs: stored {lock.inputs_sha256}, recomputed {inputs_sha256(inputs)}"
        )
    if rules.sha256 != lock.rules_sha256:
        problems.append(f"rule file {lock.rule_version} changed since locking")
    if card.total != lock.total:
        problems.append(f"total differs: stored {lock.total}, recomputed {card.total}")
    if card.recognised != lock.recognised:
        problems.append(f"verdict differs: stored {lock.recognised}, recomputed {card.recognised}")
    stored = json.loads(lock.scorecard_json)
    if stored.get("inputs_sha256") != lock.inputs_sha256 or stored.get("total") != lock.total:
        problems.append("stored scorecard does not match the locked hash or total")
    current = plain_values(session, round_.id)
    survey_keys = {spec.key for part in sections(rules) if part.from_survey for spec in part.inputs}
    for key in sorted((set(current) | set(inputs)) - survey_keys):
        if inputs.get(key) != current.get(key):
            problems.append(f"{key}: database {current.get(key)!r} ≠ locked {inputs.get(key)!r}")
    return VerifyOutcome(not problems, tuple(problems), lock)


__all__ = [
    "ACTION_LABELS",
    "STAGE_LABELS",
    "VerifyOutcome",
    "allowed_actions",
    "approve_round",
    "check_step",
    "consolidate_round",
    "lock_round",
    "next_step",
    "post_results",
    "record_decision",
    "reopen_round",
    "send_to_authority",
    "stage",
    "stage_at_least",
    "verify_locked",
    "workflow",
]
