"""Readiness: can this app server take answers right now?

`readiness()` checks that the database answers, that it takes a write (an INSERT rolled
back at once: a read-only file, a read-only PostgreSQL or a missing grant fails it), that
its schema is at the newest migration, and that the disk holding the database (or the
instance folder) has more than READY_MIN_FREE_MB free. A database busy with a writer
counts as ready: it is writable, just occupied for a moment.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from survey_app.core import db, migrate

PROBE_KEY = "readyz:probe"
# A probe never waits long for a lock: a busy database is writable, just occupied.
PROBE_WAIT_SQLITE = "PRAGMA busy_timeout=200"
PROBE_WAIT_POSTGRES = "SET LOCAL lock_timeout = '200ms'"


@functools.cache
def _head() -> str | None:
    return migrate.head_revision()


def _try_write(conn: Connection) -> None:
    sqlite = conn.dialect.name == "sqlite"
    conn.exec_driver_sql(PROBE_WAIT_SQLITE if sqlite else PROBE_WAIT_POSTGRES)
    conn.execute(
        text("INSERT INTO rate_bucket (key, window_start, count) VALUES (:k, :t, 0)"),
        {"k": PROBE_KEY, "t": dt.datetime(1970, 1, 1)},
    )


def _writable(engine) -> bool:
    conn = engine.connect()
    try:
        transaction = conn.begin()
        try:
            _try_write(conn)
        finally:
            transaction.rollback()
        return True
    except SQLAlchemyError as exc:
        message = str(getattr(exc, "orig", exc)).lower()
        return "locked" in message or "busy" in message or "lock timeout" in message
    finally:
        if conn.dialect.name == "sqlite":
            busy = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
            try:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={busy}")
            except SQLAlchemyError:
                conn.invalidate()  # never hand a connection with the short timeout back
        conn.close()


def _data_dir(engine) -> Path:
    """The folder whose disk fills first: the SQLite file's, else the instance folder's."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        path = Path(engine.url.database.removeprefix("file:").split("?")[0]).resolve().parent
    else:
        path = Path(current_app.instance_path).resolve()
    while not path.exists() and path != path.parent:  # a folder not made yet: its disk
        path = path.parent
    return path


def readiness() -> dict[str, bool]:
    """Each check's outcome: database, writable, migrations, disk."""
    engine = db.engine()
    checks = {"database": False, "writable": False, "migrations": False, "disk": False}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = True
        checks["migrations"] = migrate.current_revision(engine) == _head()
    except SQLAlchemyError:
        return checks
    checks["writable"] = _writable(engine)
    directory = _data_dir(engine)
    try:
        free_mb = shutil.disk_usage(directory).free / (1024 * 1024)
    except OSError:
        free_mb = 0
    checks["disk"] = free_mb >= current_app.config["READY_MIN_FREE_MB"]
    return checks


__all__ = ["readiness"]
