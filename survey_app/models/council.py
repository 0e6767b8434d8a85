"""The ward's assessment council (people, not login accounts) and the first-run set-up code."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.core.db import Base

# A member's place in the council, as printed in the minutes (listed once, enforced by CHECK).
COUNCIL_PLACES = ("chair", "vice_chair", "member", "secretary")


class CouncilMember(Base):
    """One person of a ward's assessment council; ``user_id`` links the account that approves."""

    __tablename__ = "council_member"
    __table_args__ = (CheckConstraint(f"council_role IN {COUNCIL_PLACES!r}", name="council_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("ward.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")  # "Trưởng Trạm Y tế"
    council_role: Mapped[str] = mapped_column(String(16), default="member")
    order: Mapped[int] = mapped_column("sort_order", default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())


class SetupCode(Base):
    """The one-time code `cfw init` prints for the first-run page (only its hash is kept)."""

    __tablename__ = "setup_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())
    used_at: Mapped[dt.datetime | None]
