"""Reviewing a flagged survey response: keep it, exclude it, or put it back to pending.

One use case, one transaction: the response's review state changes, its answers MOVE between
the ``flagged`` = True/False halves of the ``answer_count`` counters (so the counters always
equal a recount from raw answers), and the decision is written to the audit log with the old
and new state and the reviewer's reason. Nothing is ever deleted: "flag, never silently drop".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.core.lifecycle import figures_frozen
from survey_app.core.permissions import can_access_ward, has
from survey_app.models import Answer, AnswerCount, AssessmentRound, Response, RoundWorkflow
from survey_app.models.responses import REVIEW_STATES

if TYPE_CHECKING:
    from survey_app.models import User

REASON_MAX_CHARS = 300


class ReviewError(ValueError):
    """A review that cannot be made; ``status`` is the HTTP status a page should answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class CountersOutOfStep(RuntimeError):
    """A counter to move from was missing: the counters no longer match the raw answers."""


@dataclass(frozen=True, slots=True)
class ReviewResult:
    """What a review did: old and new state, and whether the counters moved."""

    response_id: int
    old: str
    new: str
    moved: bool


def may_review(actor: User | None, ward_id: int) -> bool:
    """True when ``actor`` may review the responses of ``ward_id``."""

    return (
        actor is not None and has(actor.role, "survey.review") and can_access_ward(actor, ward_id)
    )


def review_response(
    session: Session,
    response_id: int,
    decision: str,
    *,
    actor: User | None,
    reason: str,
) -> ReviewResult:
    """Set a response's review to ``decision`` ("kept", "excluded" or "pending").

    Moves the response's answers between the flagged and clean counters when its
    `counts_as_flagged` changes, and audits old/new/reason, all in one transaction. Raises
    ReviewError (400 bad decision or missing reason, 403 not allowed, 404 unknown response).
    ``actor`` None is a command line or system review (say who in ``reason``).
    """
    if decision not in REVIEW_STATES:
        raise ReviewError(
            _("Quyết định không hợp lệ: %(value)s.", value=str(decision)[:40]), status=400
        )
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ReviewError(_("Hãy ghi lý do của quyết định."), status=400)
    if len(reason) > REASON_MAX_CHARS:
        raise ReviewError(_("Lý do quá dài (tối đa %(n)s ký tự).", n=REASON_MAX_CHARS), status=400)
    with write_transaction(session):
        response = session.execute(
            select(Response).where(Response.id == response_id).with_for_update()
        ).scalar_one_or_none()
        if response is None:
            raise ReviewError(_("Không tìm thấy phiếu trả lời này."), status=404)
        ward_id = session.execute(
            select(AssessmentRound.ward_id).where(AssessmentRound.id == response.round_id)
        ).scalar_one()
        if actor is not None and not may_review(actor, ward_id):
            raise ReviewError(_("Tài khoản của bạn không được xem xét phiếu trả lời."), 403)
        stage = session.scalar(
            select(RoundWorkflow.stage).where(RoundWorkflow.round_id == response.round_id)
        )
        if figures_frozen(stage or "entering"):
            raise ReviewError(
                _(
                    "Kết quả đợt đánh giá đã khóa: không xem xét lại phiếu được nữa, vì việc "
                    "đó làm thay đổi số liệu đã khóa. Muốn sửa, hãy mở lại đợt đánh giá."
                ),
                409,
            )
        old, was_flagged = response.review, response.counts_as_flagged
        if old == decision:
            return ReviewResult(response.id, old, decision, moved=False)
        response.review = decision
        now_flagged = response.counts_as_flagged
        if now_flagged != was_flagged:
            _move_counts(session, response, was_flagged, now_flagged)
        audit.record(
            session,
            action="survey.review",
            entity="response",
            entity_id=response.id,
            old={"review": old, "counts_as_flagged": was_flagged},
            new={"review": decision, "counts_as_flagged": now_flagged},
            reason=reason,
            actor=actor,
            ward_id=ward_id,
        )
        return ReviewResult(response.id, old, decision, moved=now_flagged != was_flagged)


def _move_counts(session: Session, response: Response, source: bool, target: bool) -> None:
    """Take one from each answer's ``source`` counter and add one to its ``target`` counter."""
    answers = session.execute(
        select(Answer.question_id, Answer.value).where(Answer.response_id == response.id)
    ).all()
    key = {
        "round_id": response.round_id,
        "group_id": response.group_id,
        "audience": response.audience,
    }
    for question_id, value in answers:
        taken = session.execute(
            update(AnswerCount)
            .where(
                AnswerCount.round_id == key["round_id"],
                AnswerCount.group_id == key["group_id"],
                AnswerCount.audience == key["audience"],
                AnswerCount.question_id == question_id,
                AnswerCount.value == value,
                AnswerCount.flagged == source,
                AnswerCount.n > 0,
            )
            .values(n=AnswerCount.n - 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            # Rolling back keeps the counters as they were; a recount would show the drift.
            raise CountersOutOfStep(f"no counter to move for response {response.id}")
    if answers:
        rows = [
            {**key, "question_id": q, "value": v, "flagged": target, "n": 1} for q, v in answers
        ]
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(AnswerCount).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=["round_id", "group_id", "audience", "question_id", "value", "flagged"],
            set_={"n": AnswerCount.n + 1},
        )
        session.execute(stmt)


BULK_MAX = 200  # responses per bulk decision (one page of the review list at most)


def review_many(
    session: Session,
    round_id: int,
    response_ids: list[int],
    decision: str,
    *,
    actor: User | None,
    reason: str,
) -> list[ReviewResult]:
    """One decision with one reason for many responses of one round, in ONE transaction.

    Each response's counters move as in `review_response` and each gets its own audit row
    (old and new state, the shared reason, ``bulk`` with how many were decided together), so
    any single decision can be traced and undone. Nothing is written if one id is unknown,
    of another round, or the actor may not review. Raises ReviewError (400/403/404).
    """
    if decision not in REVIEW_STATES:
        raise ReviewError(
            _("Quyết định không hợp lệ: %(value)s.", value=str(decision)[:40]), status=400
        )
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ReviewError(_("Hãy ghi lý do của quyết định."), status=400)
    if len(reason) > REASON_MAX_CHARS:
        raise ReviewError(_("Lý do quá dài (tối đa %(n)s ký tự).", n=REASON_MAX_CHARS), status=400)
    ids = sorted(set(response_ids))
    if not ids:
        raise ReviewError(_("Hãy chọn ít nhất một phiếu."), status=400)
    if len(ids) > BULK_MAX:
        raise ReviewError(_("Chọn tối đa %(n)s phiếu mỗi lần.", n=BULK_MAX), status=400)
    results = []
    with write_transaction(session):
        ward_id = session.execute(
            select(AssessmentRound.ward_id).where(AssessmentRound.id == round_id)
        ).scalar_one_or_none()
        if ward_id is None:
            raise ReviewError(_("Không tìm thấy đợt đánh giá này."), status=404)
        if actor is not None and not may_review(actor, ward_id):
            raise ReviewError(_("Tài khoản của bạn không được xem xét phiếu trả lời."), 403)
        rows = (
            session.execute(
                select(Response)
                .where(Response.id.in_(ids), Response.round_id == round_id)
                .with_for_update()
            )
            .scalars()
            .all()
        )
        if len(rows) != len(ids):
            raise ReviewError(_("Không tìm thấy phiếu trả lời này."), status=404)
        for response in rows:
            old, was_flagged = response.review, response.counts_as_flagged
            if old == decision:
                results.append(ReviewResult(response.id, old, decision, moved=False))
                continue
            response.review = decision
            now_flagged = response.counts_as_flagged
            if now_flagged != was_flagged:
                _move_counts(session, response, was_flagged, now_flagged)
            audit.record(
                session,
                action="survey.review",
                entity="response",
                entity_id=response.id,
                old={"review": old, "counts_as_flagged": was_flagged},
                new={"review": decision, "counts_as_flagged": now_flagged, "bulk": len(ids)},
                reason=reason,
                actor=actor,
                ward_id=ward_id,
            )
            results.append(
                ReviewResult(response.id, old, decision, moved=now_flagged != was_flagged)
            )
    return results
