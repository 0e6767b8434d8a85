"""Residents' comments on a publicly posted result (niêm yết công khai) and the staff's answers.

Anonymous by design, like a survey response: the text (contact details masked on the way in),
when it arrived (UTC) and its answer. No name, address, IP or user agent is ever stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.core.db import Base

FEEDBACK_STATES = ("new", "answered")


class PostingFeedback(Base):
    """One comment or objection sent from a round's public posting page."""

    __tablename__ = "posting_feedback"
    __table_args__ = (CheckConstraint(f"status IN {FEEDBACK_STATES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    text: Mapped[str] = mapped_column(Text)  # masked, at most posting.toml's max_chars
    received_at: Mapped[dt.datetime]  # UTC
    status: Mapped[str] = mapped_column(String(16), default="new")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[dt.datetime | None]  # UTC
