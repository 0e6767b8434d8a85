"""Background jobs whose state every app server can read (today: poster batches)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.core.db import Base

JOB_STATUSES = ("queued", "running", "done", "failed")


class PosterJob(Base):
    """One "all posters of a round" PDF being drawn, or drawn: progress, outcome, the file.

    Kept in the shared database (not on an app server's disk) so that any server answers the
    progress page and the download. ``updated_at`` is the heartbeat of the thread drawing it:
    a queued or running job whose heartbeat is older than the stale limit is reported failed.
    """

    __tablename__ = "poster_job"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name="status",
        ),
        CheckConstraint("done >= 0 AND total >= 0", name="progress"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, from `secrets`
    ward_id: Mapped[int] = mapped_column(ForeignKey("ward.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(16))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of group names
    message: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(index=True)  # UTC, naive
    updated_at: Mapped[dt.datetime]  # UTC, naive: the heartbeat
    # The finished PDF (a few MB at most); deferred, so reading progress never loads it.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
