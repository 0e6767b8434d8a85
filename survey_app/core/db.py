"""Database engine, sessions and transactions.

SQLite is the embedded default and is tuned for durability (WAL, synchronous=FULL,
foreign keys, a busy timeout); write transactions start with BEGIN IMMEDIATE so two
writers never deadlock on a lock upgrade. PostgreSQL is used through DATABASE_URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Stable constraint names, so Alembic migrations are reproducible on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    """True when a database URL points at SQLite."""
    return url.startswith("sqlite")


def make_engine(url: str, *, busy_timeout_ms: int = 5000, echo: bool = False) -> Engine:
    """Create an engine with the durability settings of QUALITY.md for SQLite."""
    if not is_sqlite(url):
        # The same promise as SQLite's busy timeout: a lock held too long fails the statement
        # (OperationalError → 503 "not saved") instead of hanging the worker until gunicorn
        # kills it. Only waits for locks are bounded; long queries are not cut.
        options = f"-c lock_timeout={int(busy_timeout_ms)}"
        return create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"options": options})

    engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling
        # would defer it and can't do IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def init_app(app: Flask) -> None:
    """Bind an engine and a session factory to the app; close the request session on teardown."""
    engine = make_engine(
        app.config["DATABASE_URL"],
        busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"],
    )
    app.extensions["cfw_engine"] = engine
    app.extensions["cfw_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["cfw_engine"]


def get_session() -> Session:
    """The session of the current app context (one per request or CLI command)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["cfw_sessionmaker"]()
    return g.db_session


@contextmanager
def write_transaction(session: Session | None = None) -> Iterator[Session]:
    """Run one use case as one write transaction: commit on success, roll back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so the write lock is taken
    up front and a busy database fails fast (OperationalError) instead of half-way.
    """
    session = session or get_session()
    if session.in_transaction():
        # A read earlier in the request opened a deferred transaction: end it so the
        # write starts with its own BEGIN IMMEDIATE and sees the latest data.
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
