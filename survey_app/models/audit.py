"""The append-only, hash-chained audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.core.db import Base


class AuditEntry(Base):
    """Who changed what, when, from which value to which, and why.

    ``hash`` = sha256(prev_hash + canonical JSON of the row); a command verifies the chain.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    actor_unit: Mapped[str] = mapped_column(String(32), default="")
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    old: Mapped[str] = mapped_column(Text, default="")  # canonical JSON
    new: Mapped[str] = mapped_column(Text, default="")  # canonical JSON
    reason: Mapped[str] = mapped_column(Text, default="")
    # Unique: no two rows can follow the same row, so racing writers can never fork the chain.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
