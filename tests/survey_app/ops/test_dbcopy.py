"""`cfw db copy`: the demo ward moves from SQLite to PostgreSQL whole, checked, and is served.

The PostgreSQL tests run when DATABASE_URL points at PostgreSQL (`make test-pg`); each uses a
throw-away database of its own on that server, never the shared test database.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from survey_app.app import create_app
from survey_app.audit import log as audit_log
from survey_app.cli import main
from survey_app.core import migrate
from survey_app.core.db import Base, make_engine
from survey_app.models import PosterToken, Response
from tests.conftest import PG_URL
from tests.survey_app.fault_tools import cfw
from tests.survey_app.survey_factories import backdate_start, begin, varied_answers

SECRET = "dbcopy-test-secret-0123456789abcdef0123456789"
on_postgres = pytest.mark.skipif(
    not PG_URL.startswith("postgresql"),
    reason="copies into PostgreSQL: runs with DATABASE_URL=postgresql+psycopg://... (test-pg)",
)


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CFW_", "PYTEST"))}
    return env | {"DATABASE_URL": url, "SECRET_KEY": SECRET}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cfw init` and `cfw demo` into a SQLite file (made once for the module, read only)."""
    path = tmp_path_factory.mktemp("dbcopy") / "demo.sqlite3"
    cfw(["init"], _env(f"sqlite:///{path}"))
    cfw(["demo"], _env(f"sqlite:///{path}"))
    return path


@pytest.fixture
def pg_target() -> Iterator[str]:
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    name = f"cfw_dbcopy_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy(*args: str):
    return CliRunner().invoke(main, ["db", "copy", *args], catch_exceptions=False)


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _rows(url: str, table: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            t = Base.metadata.tables[table]
            return [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
    finally:
        engine.dispose()


@on_postgres
def test_the_demo_is_copied_whole_with_its_audit_chain(demo_db, pg_target):
    source = f"sqlite:///{demo_db}"
    result = _copy(str(demo_db), pg_target)
    assert result.exit_code == 0, result.output
    for table in Base.metadata.sorted_tables:  # a progress line per table
        assert f"{table.name}: " in result.output
    assert "row counts and checksums equal in" in result.output
    assert "audit chain verified" in result.output

    copied = _counts(pg_target)
    assert copied == _counts(source) and copied["response"] > 0 and copied["audit_log"] > 0
    for table in ("audit_log", "response", "poster_token", "user_account"):
        assert _rows(pg_target, table) == _rows(source, table), table
    engine = make_engine(pg_target)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        with Session(engine) as session:
            verified = audit_log.verify(session)
        assert verified.ok and verified.checked == copied["audit_log"]
    finally:
        engine.dispose()


@on_postgres
def test_the_app_serves_the_copy_and_stores_a_new_answer(demo_db, pg_target):
    assert _copy(str(demo_db), pg_target).exit_code == 0
    before = _counts(pg_target)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": pg_target,
            "SECRET_KEY": SECRET,
            "WTF_CSRF_ENABLED": False,
            "PUBLIC_BASE_URL": "http://survey.test",
        }
    )
    try:
        with app.app_context():
            engine = app.extensions["cfw_engine"]
            with Session(engine) as session:
                token = session.scalar(
                    select(PosterToken.token).where(PosterToken.status == "active").limit(1)
                )
                top = session.scalar(select(func.max(Response.id)))
        client = app.test_client()
        assert client.get("/").status_code == 200
        key = begin(client, token, "resident")
        backdate_start(client)
        answer = client.post(
            "/s/resident/questions", data=varied_answers("resident") | {"key": key}
        )
        assert answer.status_code == 303  # post/redirect/get: the thank-you page follows
        thanks = client.get(answer.headers["Location"])
        assert thanks.status_code == 200 and "Đã gửi xong!" in thanks.get_data(as_text=True)
        with Session(engine) as session:
            # The sequence was moved past the copied ids: the new row follows them.
            assert session.scalar(select(func.max(Response.id))) == top + 1
    finally:
        app.extensions["cfw_engine"].dispose()
    assert _counts(pg_target)["response"] == before["response"] + 1


@on_postgres
def test_a_target_with_data_is_refused_unless_forced(demo_db, pg_target):
    assert _copy(str(demo_db), pg_target).exit_code == 0
    once = _counts(pg_target)
    again = _copy(str(demo_db), pg_target)
    assert again.exit_code == 1
    assert "already holds data" in again.output and "--force" in again.output
    assert _counts(pg_target) == once  # nothing changed

    forced = _copy(str(demo_db), pg_target, "--force")
    assert forced.exit_code == 0, forced.output
    assert "dropped and replaced" in forced.output
    assert f"audit_log: {once['audit_log']} rows" in forced.output  # what it overwrote
    assert _counts(pg_target) == once  # replaced, not doubled


def test_the_target_must_be_postgresql(demo_db, tmp_path):
    result = _copy(str(demo_db), f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert result.exit_code == 1 and "must be PostgreSQL" in result.output


def test_a_source_behind_the_code_is_refused(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0005")
    engine.dispose()
    result = _copy(str(path), "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.exit_code == 1 and "run `cfw init`" in result.output
    with sqlite3.connect(path) as conn:  # the source was only read
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)
    conn.close()


def test_a_missing_source_file_is_refused(tmp_path):
    result = _copy(str(tmp_path / "nope.sqlite3"), "postgresql://x@127.0.0.1/y")
    assert result.exit_code == 1 and "no such SQLite file" in result.output
