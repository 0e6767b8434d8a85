"""Survey responses: only what QUALITY.md allows, nothing that identifies a person."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.db import Base

AUDIENCES = ("child", "resident")
CHANNELS = ("qr", "paper")
REVIEW_STATES = ("pending", "kept", "excluded")
# A staff reviewer's decision on a (masked) comment: only "quotable" ones are ever quoted.
COMMENT_REVIEWS = ("unreviewed", "quotable", "withheld")


class Response(Base):
    """One questionnaire as submitted. No name, contact, address, school, IP or device."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("submission_key"),
        CheckConstraint(f"audience IN {AUDIENCES!r}", name="audience"),
        CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        CheckConstraint(f"review IN {REVIEW_STATES!r}", name="review"),
        Index("ix_response_round_group", "round_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("residential_group.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("poster_token.id"))
    instrument_version: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8), default="qr")
    comment: Mapped[str | None] = mapped_column(String(300))  # masked, ≤ 300 characters
    duration_s: Mapped[int | None]  # coarse: rounded to a bucket, never exact
    day: Mapped[dt.date]
    flag_speeder: Mapped[bool] = mapped_column(default=False)
    flag_straightline: Mapped[bool] = mapped_column(default=False)
    flag_burst: Mapped[bool] = mapped_column(default=False)
    flag_repeat: Mapped[bool] = mapped_column(default=False)
    flag_impossible: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The flag policy's decision when the answer arrived: its signals weigh enough to hold it
    # out of the official figures until reviewed (weak marks alone keep it counted).
    held: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Held answers await staff review; "excluded" leaves any answer out of the clean figures.
    review: Mapped[str] = mapped_column(String(16), default="pending")
    submission_key: Mapped[str] = mapped_column(String(64))
    comment_review: Mapped[str] = mapped_column(
        String(16), default="unreviewed", server_default="unreviewed"
    )

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    @property
    def flagged(self) -> bool:
        """True when any integrity flag is set."""
        return (
            self.flag_speeder
            or self.flag_straightline
            or self.flag_burst
            or self.flag_repeat
            or self.flag_impossible
        )

    @property
    def counts_as_flagged(self) -> bool:
        """True when the response is left out of the "without flagged" figures."""
        return self.review == "excluded" or (self.held and self.review == "pending")


class Answer(Base):
    """One answer: question id from the instrument, value 0 (don't know) or 1-5."""

    __tablename__ = "answer"
    __table_args__ = (
        CheckConstraint("value BETWEEN 0 AND 5", name="value"),
        # Covers the full recount (join on response, group by question and value) so it
        # reads the index alone, never the table.
        Index("ix_answer_recount", "response_id", "question_id", "value"),
    )

    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)

    response: Mapped[Response] = relationship(back_populates="answers")


class AnswerCount(Base):
    """Counters kept current on every insert and review, so dashboards never scan raw rows."""

    __tablename__ = "answer_count"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("residential_group.id"), primary_key=True)
    audience: Mapped[str] = mapped_column(String(16), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    flagged: Mapped[bool] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
