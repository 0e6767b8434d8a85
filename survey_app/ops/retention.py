"""Retention: purge the raw survey answers of closed rounds, keep aggregates and the audit trail.

Children's answers are kept only as long as needed (QUALITY.md, privacy). Once a round is
closed and its period is long past, the raw rows (Response with its comment, Answer) go;
the AnswerCount counters, which every report and score reads, stay. The purge is one
transaction that also writes one audit entry per round, so either everything is deleted
and recorded, or nothing is.

The same run forgets short-lived counters that only guard the present: sign-in throttles
(login_throttle) quiet for a day and no longer waiting, and rate-limit windows
(rate_bucket) older than two days (`prune_counters`). Nothing else ever deletes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey_app.accounts import ratelimit, signin
from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.models import Answer, AssessmentRound, BrowserMark, Response

AUDIT_ACTION = "purge_raw_responses"


class PurgeRefused(Exception):
    """A purge that must not run (an open round, a bad date); the message says why."""


@dataclass
class RoundPurge:
    """What a purge removes from one round."""

    round_id: int
    ward_id: int
    name: str
    period_end: dt.date
    responses: int
    answers: int
    comments: int
    browser_marks: int

    def counts(self) -> dict[str, int]:
        """The numbers written into the audit entry."""
        data = asdict(self)
        return {k: data[k] for k in ("responses", "answers", "comments", "browser_marks")}


@dataclass
class PurgePlan:
    """Every round a purge touches, with totals."""

    before: dt.date
    rounds: list[RoundPurge]

    @property
    def responses(self) -> int:
        """Raw responses removed in all rounds."""
        return sum(r.responses for r in self.rounds)

    @property
    def answers(self) -> int:
        """Raw answers removed in all rounds."""
        return sum(r.answers for r in self.rounds)


@dataclass
class CounterPrune:
    """How many stale counter rows a prune removed."""

    login_throttles: int
    rate_buckets: int


def prune_counters(session: Session) -> CounterPrune:
    """Delete stale sign-in throttles and rate-limit windows, in one write transaction.

    Only rows that no longer limit anyone go (signin.prune, ratelimit.prune say which): a
    throttle still making someone wait, or a window still counting, stays.
    """
    with write_transaction(session):
        return CounterPrune(signin.prune(session), ratelimit.prune(session))


def _open_rounds_before(session: Session, before: dt.date) -> list[AssessmentRound]:
    return list(
        session.scalars(
            select(AssessmentRound)
            .where(AssessmentRound.period_end < before, AssessmentRound.status != "closed")
            .order_by(AssessmentRound.id)
        )
    )


def plan_purge(session: Session, before: dt.date) -> PurgePlan:
    """Count what a purge before ``before`` would delete; changes nothing.

    Raises PurgeRefused when a round whose period ended before that date is still open:
    its answers may still be under review, so it must be closed first.
    """
    still_open = _open_rounds_before(session, before)
    if still_open:
        names = ", ".join(f"#{r.id} {r.name!r} (ended {r.period_end})" for r in still_open)
        raise PurgeRefused(
            f"refusing to purge: these rounds ended before {before} but are still open: {names}. "
            "Close them first, or choose an earlier date."
        )
    rounds = session.scalars(
        select(AssessmentRound)
        .where(AssessmentRound.period_end < before, AssessmentRound.status == "closed")
        .order_by(AssessmentRound.period_end, AssessmentRound.id)
    ).all()
    plan = PurgePlan(before=before, rounds=[])
    for rnd in rounds:
        responses, comments = session.execute(
            select(func.count(Response.id), func.count(func.nullif(Response.comment, ""))).where(
                Response.round_id == rnd.id
            )
        ).one()
        answers = session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Response, Answer.response_id == Response.id)
            .where(Response.round_id == rnd.id)
        )
        marks = session.scalar(
            select(func.count()).select_from(BrowserMark).where(BrowserMark.round_id == rnd.id)
        )
        if responses or answers or marks:
            plan.rounds.append(
                RoundPurge(
                    round_id=rnd.id,
                    ward_id=rnd.ward_id,
                    name=rnd.name,
                    period_end=rnd.period_end,
                    responses=int(responses),
                    answers=int(answers or 0),
                    comments=int(comments),
                    browser_marks=int(marks or 0),
                )
            )
    return plan


def purge(session: Session, before: dt.date, *, actor: Any = None, reason: str = "") -> PurgePlan:
    """Delete raw answers, responses (with comments) and browser marks of closed rounds.

    Only rounds that are closed and whose period ended before ``before`` are touched;
    AnswerCount aggregates, tokens and the audit log stay. One transaction: the deletes and
    one audit entry per round (counts deleted) commit together. Returns what was deleted.
    """

    with write_transaction(session):
        # Planned inside the write transaction, so nothing can change between count and delete.
        plan = plan_purge(session, before)
        for item in plan.rounds:
            response_ids = select(Response.id).where(Response.round_id == item.round_id)
            session.execute(
                delete(Answer)
                .where(Answer.response_id.in_(response_ids))
                .execution_options(synchronize_session=False)
            )
            session.execute(
                delete(Response)
                .where(Response.round_id == item.round_id)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                delete(BrowserMark)
                .where(BrowserMark.round_id == item.round_id)
                .execution_options(synchronize_session=False)
            )
            audit.record(
                session,
                action=AUDIT_ACTION,
                entity="assessment_round",
                entity_id=str(item.round_id),
                old=item.counts(),
                new={"responses": 0, "answers": 0, "comments": 0, "browser_marks": 0},
                reason=reason or f"retention: raw answers of rounds ended before {before}",
                actor=actor,
                ward_id=item.ward_id,
            )
    return plan
