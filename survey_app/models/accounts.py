"""Staff accounts and their roles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.core.db import Base
from survey_app.core.permissions import ROLES


class User(Base):
    """A staff member. ``unit`` is set for unit officers, ``group_id`` for group leaders."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # Job title as printed on documents ("Trưởng Công an phường"); "" = not given.
    position: Mapped[str] = mapped_column(String(200), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"))
    unit: Mapped[str | None] = mapped_column(String(32))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("residential_group.id"))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped on disable or password change: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())
    last_login_at: Mapped[dt.datetime | None]
