"""The ward's side of residents' comments on a posted round: lists, counts and answers.

Answers are recorded while the round is posted (before the dossier goes, so the counts it
prints stay true), each in one transaction with its audit row ("posting.answer"). The
dossier prints `feedback_counts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.core.security import MAX_ID
from survey_app.models import AssessmentRound, PostingFeedback, User
from survey_app.posting.service import LIMITS, PostingError
from survey_app.workspace import workflow

ANSWER_STAGE = "posted"  # answers are recorded while posted (the dossier then counts them)


@dataclass(frozen=True, slots=True)
class FeedbackCounts:
    """How many comments a round received and how many were answered."""

    received: int
    answered: int


def feedback_counts(session: Session, round_id: int) -> FeedbackCounts:
    """The round's comments and answered comments (one query)."""
    rows = dict(
        session.execute(
            select(PostingFeedback.status, func.count())
            .where(PostingFeedback.round_id == round_id)
            .group_by(PostingFeedback.status)
        ).all()
    )
    return FeedbackCounts(sum(rows.values()), rows.get("answered", 0))


def feedback_of(session: Session, round_id: int) -> Sequence[PostingFeedback]:
    """The round's comments, unanswered first, then newest first."""
    return session.scalars(
        select(PostingFeedback)
        .where(PostingFeedback.round_id == round_id)
        .order_by(
            (PostingFeedback.status == "answered").asc(),
            PostingFeedback.received_at.desc(),
            PostingFeedback.id.desc(),
        )
    ).all()


def feedback_or_none(session: Session, round_id: int, feedback_id: int) -> PostingFeedback | None:
    """A comment of ``round_id`` (None for an unknown id or another round's comment)."""
    found = session.get(PostingFeedback, feedback_id) if 0 < feedback_id <= MAX_ID else None
    return found if found is not None and found.round_id == round_id else None


def answering_open(session: Session, round_: AssessmentRound) -> bool:
    """True while answers may be recorded: the round is posted (before the dossier goes)."""
    return workflow.stage(session, round_.id) == ANSWER_STAGE


def answer_feedback(
    session: Session,
    round_: AssessmentRound,
    feedback_id: int,
    answer: str | None,
    *,
    actor: User,
) -> PostingFeedback:
    """Use case: record (or correct) the ward's answer to a comment; audited "posting.answer".

    Refused with a `PostingError`: 404 for a comment of another round, 409 once the dossier
    has gone (the counts it printed stay true), 422 for an empty or too long answer.
    """
    with write_transaction(session):
        row = feedback_or_none(session, round_.id, feedback_id)
        if row is None:
            raise PostingError(_("Không có góp ý này."), 404)
        if not answering_open(session, round_):
            raise PostingError(
                _("Chỉ ghi trả lời được khi đợt đang niêm yết (trước khi gửi hồ sơ)."), 409
            )
        text = " ".join(str(answer or "").split())
        if not text:
            raise PostingError(_("Nhập nội dung trả lời."), 422, "answer")
        if len(text) > LIMITS["answer_max_chars"]:
            raise PostingError(
                _("Trả lời dài quá: tối đa %(n)d ký tự.", n=LIMITS["answer_max_chars"]),
                422,
                "answer",
            )
        if row.status == "answered" and row.answer == text:
            raise PostingError(_("Không có gì thay đổi."), 422, "answer")
        old: dict[str, Any] = {"status": row.status, "answer": row.answer}
        row.status, row.answer = "answered", text
        row.answered_by_id = actor.id
        row.answered_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        session.flush()
        audit.record(
            session,
            action="posting.answer",
            entity="posting_feedback",
            entity_id=row.id,
            old=old,
            new={"status": row.status, "answer": row.answer, "round_id": round_.id},
            actor=actor,
            ward_id=round_.ward_id,
        )
        return row


__all__ = [
    "ANSWER_STAGE",
    "FeedbackCounts",
    "answer_feedback",
    "answering_open",
    "feedback_counts",
    "feedback_of",
    "feedback_or_none",
]
