"""deploy/postgres-roles.sql: as the app role, audit_log takes INSERT but refuses the rest.

PostgreSQL only (skipped on SQLite). Runs the shipped script, with role names of its own,
against a throw-away database: before migrations (roles only), `cfw init`'s migrations as the
owner role, then the script again (grants), exactly as deploy/README.md says.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from survey_app.core import migrate
from tests.survey_app.fault_tools import scratch_postgres

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "postgres-roles.sql"


@pytest.fixture
def roles(database_url: str) -> Iterator[tuple[str, str, str]]:
    """(scratch database URL, owner role, app role); everything dropped afterwards."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL privileges: runs with DATABASE_URL=postgresql+psycopg://...")
    suffix = uuid.uuid4().hex[:8]
    owner, app_role = f"cfw_owner_{suffix}", f"cfw_app_{suffix}"
    # Dropping the database drops every grant and default privilege the roles have there.
    with scratch_postgres(database_url, "cfw_roles") as url:
        yield url, owner, app_role
    superuser = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with superuser.connect() as conn:  # roles are cluster-wide: drop them with the database
        conn.execute(text(f'DROP ROLE IF EXISTS "{app_role}"'))
        conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
    superuser.dispose()


def _as_superuser(url: str, sql: str) -> None:
    """Run ``sql`` (several statements) as the test's superuser, like psql does."""
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.encode())  # bytes, no parameters: "%" in format() stays as written


def _run_script(url: str, owner: str, app_role: str) -> None:
    """The shipped script as psql would run it (meta-commands dropped), with our role names."""
    sql = SCRIPT.read_text(encoding="utf-8")
    sql = "\n".join(line for line in sql.splitlines() if not line.startswith("\\"))
    sql = re.sub(r"\bcfw_owner\b", owner, sql)
    sql = re.sub(r"\bcfw_app\b", app_role, sql)
    _as_superuser(url, sql)


def _engine_as(url: str, role: str) -> Engine:
    """Connections that act as ``role`` (SET ROLE at connect: no password or pg_hba needed)."""
    return create_engine(url, connect_args={"options": f"-c role={role}"})


def _refused(engine: Engine, sql: str, **params: object) -> str:
    with pytest.raises(ProgrammingError) as refused, engine.begin() as conn:
        conn.execute(text(sql), params)
    return str(refused.value.orig)


def test_app_role_may_insert_into_the_audit_log_but_not_rewrite_it(roles):
    url, owner, app_role = roles
    _run_script(url, owner, app_role)  # 1: roles, before any table exists
    owner_engine = _engine_as(url, owner)
    migrate.upgrade(owner_engine)  # `cfw init` as the owner
    owner_engine.dispose()
    _run_script(url, owner, app_role)  # 2: grants on the tables
    _run_script(url, owner, app_role)  # idempotent: a re-run after an upgrade is safe

    app = _engine_as(url, app_role)
    try:
        with app.begin() as conn:
            assert conn.execute(text("SELECT current_user")).scalar_one() == app_role
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor_name, actor_role, actor_unit, action,"
                    " entity, entity_id, old, new, reason, prev_hash, hash) VALUES (:at, '', '',"
                    " '', 'test.insert', 'test', '1', '', '', '', :prev, :hash)"
                ),
                {"at": dt.datetime(2026, 1, 1), "prev": "0" * 64, "hash": "1" * 64},
            )
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 1
            # The app's ordinary work still goes through.
            conn.execute(
                text("INSERT INTO rate_bucket (key, window_start, count) VALUES ('k', :at, 1)"),
                {"at": dt.datetime(2026, 1, 1)},
            )
            conn.execute(text("UPDATE rate_bucket SET count = 2"))
            conn.execute(text("DELETE FROM rate_bucket"))

        for sql in (
            "UPDATE audit_log SET reason = 'rewritten'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "CREATE TABLE public.mine (id int)",
            "DROP TRIGGER audit_log_no_update_delete ON audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        ):
            message = _refused(app, sql)
            # Refused by privilege (not only by the trigger, whose message is "append-only").
            assert "permission denied" in message or "must be owner" in message, (sql, message)
        with app.connect() as conn:
            assert conn.execute(text("SELECT reason FROM audit_log")).scalar_one() == ""
    finally:
        app.dispose()


def test_the_script_is_documented_in_the_deploy_readme():
    readme = (SCRIPT.parent / "README.md").read_text(encoding="utf-8")
    assert "postgres-roles.sql" in readme
    assert "cfw_app" in readme and "cfw_owner" in readme
