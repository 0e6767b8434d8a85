"""Test data for the operations tests (backup, restore, retention): one ward, two rounds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.core.db import Base
from survey_app.models import (
    Answer,
    AnswerCount,
    AssessmentRound,
    BrowserMark,
    PosterToken,
    ResidentialGroup,
    Response,
    Ward,
)

QUESTIONS = ("q1", "q2", "q3")


def add_round(
    session: Session,
    ward: Ward,
    groups: list[ResidentialGroup],
    *,
    name: str,
    period_end: dt.date,
    status: str,
    responses_per_group: int = 2,
) -> AssessmentRound:
    """A round with a token per group, responses with answers and comments, and counters."""
    rnd = AssessmentRound(
        ward=ward,
        name=name,
        period_start=period_end - dt.timedelta(days=60),
        period_end=period_end,
        rule_version="qd06-2019",
        instrument_version="v1",
        status=status,
    )
    session.add(rnd)
    session.flush()
    for group in groups:
        token = PosterToken(
            token=f"tok-{rnd.id}-{group.id}", group=group, round=rnd, cap=50, used=0
        )
        session.add(token)
        session.flush()
        for i in range(responses_per_group):
            response = Response(
                round_id=rnd.id,
                group_id=group.id,
                token_id=token.id,
                instrument_version="v1",
                audience="child" if i % 2 else "resident",
                age_band="10-15" if i % 2 else "16+",
                comment=f"góp ý {i}" if i % 2 == 0 else None,
                duration_s=120,
                day=period_end,
                submission_key=f"key-{rnd.id}-{group.id}-{i}",
            )
            response.answers = [Answer(question_id=q, value=(i % 5) + 1) for q in QUESTIONS]
            session.add(response)
            token.used += 1
            for q in QUESTIONS:
                session.add(
                    AnswerCount(
                        round_id=rnd.id,
                        group_id=group.id,
                        audience=response.audience,
                        question_id=q,
                        value=(i % 5) + 1,
                        flagged=False,
                        n=1,
                    )
                )
        session.add(BrowserMark(round_id=rnd.id, browser_hash=f"b-{rnd.id}-{group.id}", count=1))
    session.flush()
    return rnd


def seed(session: Session) -> dict[str, AssessmentRound]:
    """A ward with two groups, an old closed round and a recent closed round; committed."""
    ward = Ward(code="p-test", name="Phường Thử", province="Hà Nội", locality_type="other")
    groups = [ResidentialGroup(ward=ward, name=f"Tổ {n}", position=n) for n in (1, 2)]
    session.add_all([ward, *groups])
    session.flush()
    rounds = {
        "old": add_round(
            session, ward, groups, name="2024", period_end=dt.date(2024, 6, 30), status="closed"
        ),
        "recent": add_round(
            session, ward, groups, name="2026", period_end=dt.date(2026, 6, 30), status="closed"
        ),
    }
    session.commit()
    return rounds


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table of the models, for before/after comparisons."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }
