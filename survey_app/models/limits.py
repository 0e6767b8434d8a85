"""Limits kept in the database so they hold across workers, servers and restarts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.core.db import Base


class RateBucket(Base):
    """A fixed-window counter: ``key`` names what is limited (never a raw IP: an HMAC)."""

    __tablename__ = "rate_bucket"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class BrowserMark(Base):
    """How often one browser (an HMAC of a random first-party cookie) answered a round."""

    __tablename__ = "browser_mark"

    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class LoginThrottle(Base):
    """Failed sign-ins of one key (an account and source pair, or a source), with its wait.

    ``key`` is an HMAC (survey_app/accounts/signin.py), never a username or an address.
    ``blocked_until`` is when the next try is allowed; earlier tries are refused unseen.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime]
    blocked_until: Mapped[dt.datetime] = mapped_column(index=True)
