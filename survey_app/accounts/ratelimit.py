"""Fixed-window rate limits kept in the database, so they hold across workers and servers.

Callers pass a key that never contains a raw IP address: use `client_key()` with the
CLIENT_HASH_KEY (derived for this use only, survey_app/core/keys.py), an HMAC
of the address with a key that rotates daily, computed in memory.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from survey_app.models import RateBucket


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def client_key(secret: str, address: str | None, purpose: str, today: dt.date | None = None) -> str:
    """An HMAC of a client address for one purpose, with a key that changes every day.

    The address itself is never stored or logged; yesterday's keys can't be linked to today's.
    """
    day = (today or _now().date()).isoformat()
    daily_key = hmac.new(secret.encode(), f"ratelimit:{day}".encode(), hashlib.sha256).digest()
    digest = hmac.new(daily_key, f"{purpose}:{address or '-'}".encode(), hashlib.sha256)
    return f"{purpose}:{digest.hexdigest()[:40]}"


@functools.cache
def _upsert(dialect: str) -> Any:
    """The counting upsert, built once per dialect so its compiled form is reused."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(RateBucket).values(key=bindparam("key"), window_start=bindparam("start"), count=1)
    # One statement: the upsert returns the new count (SQLite ≥ 3.35 and PostgreSQL).
    return stmt.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": RateBucket.count + 1}
    ).returning(RateBucket.count)


def hit(session: Session | Connection, key: str, *, limit: int, window_s: int) -> bool:
    """Count one event for ``key``; True while the count in this window is within ``limit``.

    Runs inside the caller's transaction (an upsert of one row), so the count is
    committed or rolled back with the use case.
    """
    now = _now()
    start = now - dt.timedelta(seconds=now.timestamp() % window_s)
    start = start.replace(microsecond=0)
    conn = session.connection() if isinstance(session, Session) else session
    count = conn.execute(_upsert(conn.dialect.name), {"key": key, "start": start}).scalar_one()
    return count <= limit


def count(session: Session, key: str, *, window_s: int) -> int:
    """Events counted for ``key`` in the current window (without counting a new one)."""
    now = _now()
    start = (now - dt.timedelta(seconds=now.timestamp() % window_s)).replace(microsecond=0)
    found = session.execute(
        select(RateBucket.count).where(RateBucket.key == key, RateBucket.window_start == start)
    ).scalar_one_or_none()
    return found or 0


def reset(session: Session, key: str) -> None:
    """Forget every window of ``key`` (e.g. after a successful sign-in)."""
    session.execute(delete(RateBucket).where(RateBucket.key == key))


def prune(session: Session, older_than_s: int = 2 * 86400) -> int:
    """Delete old windows; returns how many rows went."""
    cutoff = _now() - dt.timedelta(seconds=older_than_s)
    result = session.execute(delete(RateBucket).where(RateBucket.window_start < cutoff))
    return result.rowcount or 0


__all__ = ["client_key", "count", "hit", "prune", "reset"]
