"""Rule versions a ward saved (reviewed or uploaded), and the draft of a review in progress.

Shipped versions live in ``assessment/rules``; versions made in the browser live here so every
app server sees them. A stored version is immutable: its TOML text and sha256 never change (a
correction is another version); the service never updates a row and the database refuses it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.db import Base

RULE_ORIGINS = ("review", "upload")
REVIEW_STATUSES = ("draft", "saved")
ROW_DECISIONS = ("confirmed", "corrected")


class RuleVersion(Base):
    """One immutable rule file kept in the database; ``id`` is its ``meta.version``."""

    __tablename__ = "rule_version"
    __table_args__ = (CheckConstraint(f"origin IN {RULE_ORIGINS!r}", name="origin"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The ward that made it (it sees and uses it); None: made by an administrator of every ward.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"), index=True)
    toml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    based_on: Mapped[str] = mapped_column(String(64), default="")
    origin: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime]  # UTC


class RuleReview(Base):
    """A review of a version's provisional rows against the printed decision, row by row.

    A draft stays in the database until it is saved as a new version (``saved_version``).
    """

    __tablename__ = "rule_review"
    __table_args__ = (CheckConstraint(f"status IN {REVIEW_STATUSES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"), index=True)
    based_on: Mapped[str] = mapped_column(String(64))
    based_on_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    saved_version: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime]  # UTC

    rows: Mapped[list[RuleReviewRow]] = relationship(
        back_populates="review", order_by="RuleReviewRow.id"
    )


class RuleReviewRow(Base):
    """One provisional row confirmed as printed, or corrected (``changes``: JSON field → value)."""

    __tablename__ = "rule_review_row"
    __table_args__ = (
        UniqueConstraint("review_id", "path"),
        CheckConstraint(f"decision IN {ROW_DECISIONS!r}", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("rule_review.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(16))
    changes: Mapped[str] = mapped_column(Text, default="")  # canonical JSON, "" = none
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_by_name: Mapped[str] = mapped_column(String(200), default="")
    confirmed_at: Mapped[dt.datetime]  # UTC

    review: Mapped[RuleReview] = relationship(back_populates="rows")
