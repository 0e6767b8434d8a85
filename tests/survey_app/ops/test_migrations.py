"""Migrations: an empty database reaches head, a populated one loses nothing on the way,
and `cfw init` backs an existing database up before it changes its schema revision.

The populated database is built at the OLDEST revision with plain SQL written against that
revision's tables (never the current models), so the test keeps meaning something as
migrations are added. A migration that deliberately transforms data must say so here.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from survey_app.app import create_app
from survey_app.commands.server import init
from survey_app.core import migrate
from survey_app.core.db import Base, make_engine
from tests.conftest import PG_URL

REVISIONS = [
    r.revision for r in ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()
]
OLDEST = REVISIONS[-1]
needs_older_revision = pytest.mark.skipif(
    len(REVISIONS) < 2, reason="only one revision exists: nothing older to migrate from"
)

D = dt.date(2024, 5, 1)
T = dt.datetime(2024, 5, 1, 8, 30)
# (table, rows) in foreign-key order; columns as they are at revision 0001.
ROWS_0001: list[tuple[str, list[dict[str, Any]]]] = [
    ("ward", [
        {"id": 1, "code": "p1", "name": "Phường Một", "province": "Hà Nội",
         "locality_type": "other", "locality_basis": "", "recognising_authority": "UBND quận",
         "created_at": T},
        {"id": 2, "code": "x2", "name": "Xã Hai", "province": "Lào Cai",
         "locality_type": "mountain", "locality_basis": "QĐ 861", "recognising_authority": "",
         "created_at": T},
    ]),
    ("residential_group", [
        {"id": g, "ward_id": 1 + g % 2, "name": f"Tổ {g}", "position": g, "children": 10 * g,
         "residents": 100 * g}
        for g in range(1, 5)
    ]),
    ("assessment_round", [
        {"id": 1, "ward_id": 1, "name": "2024", "period_start": D, "period_end": D,
         "rule_version": "qd06-2019", "instrument_version": "v1", "status": "closed",
         "created_at": T},
        {"id": 2, "ward_id": 2, "name": "2025", "period_start": D, "period_end": D,
         "rule_version": "qd06-2019", "instrument_version": "v1", "status": "open",
         "created_at": T},
    ]),
    ("poster_token", [
        {"id": g, "token": f"tok{g:04d}", "group_id": g, "round_id": 1 + g % 2, "cap": 50,
         "used": 3, "status": "active", "replaced_by_id": None, "created_at": T}
        for g in range(1, 5)
    ]),
    ("user_account", [
        {"id": 1, "username": "admin", "display_name": "Quản trị", "password_hash": "$argon2id$x",
         "role": "admin", "ward_id": 1, "unit": None, "group_id": None, "active": True,
         "must_change_password": False, "session_version": 1, "created_at": T,
         "last_login_at": None},
    ]),
    ("response", [
        {"id": r, "round_id": 1 + r % 2, "group_id": 1 + r % 4, "token_id": 1 + r % 4,
         "instrument_version": "v1", "audience": ("child", "resident")[r % 2],
         "age_band": "10-15", "gender": None, "channel": "qr",
         "comment": "Sân chơi cần đèn" if r % 3 == 0 else None, "duration_s": 120, "day": D,
         "flag_speeder": r == 5, "flag_straightline": False, "flag_burst": False,
         "flag_repeat": False, "review": "pending", "submission_key": f"sk{r:04d}"}
        for r in range(1, 13)
    ]),
    ("answer", [
        {"response_id": r, "question_id": q, "value": (r + len(q)) % 6}
        for r in range(1, 13) for q in ("c1", "c2", "r10")
    ]),
    ("answer_count", [
        {"round_id": 1, "group_id": g, "audience": "child", "question_id": "c1", "value": v,
         "flagged": False, "n": g * v}
        for g in range(1, 5) for v in range(6)
    ]),
    ("browser_mark", [{"round_id": 1, "browser_hash": "b" * 64, "count": 2}]),
    ("rate_bucket", [{"key": "login:abc", "window_start": T, "count": 3}]),
    ("audit_log", [
        {"id": i, "at": T, "actor_id": 1, "actor_name": "admin", "actor_role": "admin",
         "actor_unit": "", "ward_id": 1, "action": "create", "entity": "ward", "entity_id": "1",
         "old": "", "new": '{"code":"p1"}', "reason": "",
         "prev_hash": f"{i - 1:064d}", "hash": f"{i:064d}"}
        for i in (1, 2)
    ]),
]  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: a SQLite file, or a scratch PostgreSQL database.

    PostgreSQL gets a throw-away database on the test server, so migrating from scratch
    never disturbs the shared `test` database other test runs use.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL runs only with DATABASE_URL=postgresql+psycopg://...")
    name = f"cfw_migrations_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as exc:
        admin.dispose()
        pytest.skip(f"cannot create a scratch PostgreSQL database: {exc}")
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def populate_oldest(engine: Engine) -> None:
    """Migrate to the oldest revision and fill every table with plain SQL."""
    migrate.upgrade(engine, OLDEST)
    with engine.begin() as conn:
        for table, rows in ROWS_0001:
            columns = list(rows[0])
            names = ", ".join(f'"{c}"' for c in columns)
            binds = ", ".join(f":{c}" for c in columns)
            conn.execute(text(f'INSERT INTO "{table}" ({names}) VALUES ({binds})'), rows)
        if engine.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; move them on, as a real import would.
            for table, rows in ROWS_0001:
                if "id" in rows[0]:
                    conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                        {"n": max(r["id"] for r in rows)},
                    )


def snapshot(engine: Engine, columns: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Every row of every table (only the given columns, when given), order-independent."""
    if columns is None:
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        columns = {t: [c["name"] for c in inspect(engine).get_columns(t)] for t in tables}
    data: dict[str, Any] = {"columns": columns}
    with engine.connect() as conn:
        for table, cols in columns.items():
            names = ", ".join(f'"{c}"' for c in cols)
            rows = conn.execute(text(f'SELECT {names} FROM "{table}"')).all()
            data[table] = sorted((tuple(r) for r in rows), key=repr)
    return data


def test_empty_database_upgrades_to_head(scratch_url):
    engine = make_engine(scratch_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_populated_database_loses_nothing_on_the_way_to_head(scratch_url):
    engine = make_engine(scratch_url)
    try:
        populate_oldest(engine)
        before = snapshot(engine)
        migrate.upgrade(engine)
        after = snapshot(engine, before["columns"])
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()

    for table, rows in ROWS_0001:
        assert len(after[table]) == len(rows), table
    assert after == before
    # A few values by eye, so a failure reads as data rather than tuples.
    wards = {row[before["columns"]["ward"].index("code")] for row in after["ward"]}
    assert wards == {"p1", "x2"}
    comments = [r for r in after["response"] if "Sân chơi cần đèn" in r]
    assert len(comments) == 4


def _app_on(url: str, backup_dir: Path):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key",
            "BACKUP_DIR": str(backup_dir),
        }
    )


def _run_init(url: str, backup_dir: Path):
    app = _app_on(url, backup_dir)
    try:
        with app.app_context():
            return CliRunner().invoke(init, [])
    finally:
        app.extensions["cfw_engine"].dispose()


@needs_older_revision
def test_init_backs_up_a_populated_database_before_migrating(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    engine = make_engine(url)
    populate_oldest(engine)
    before = snapshot(engine)
    engine.dispose()

    result = _run_init(url, tmp_path / "backups")

    assert result.exit_code == 0, result.output
    assert "Backup before migration" in result.output
    backups = sorted((tmp_path / "backups").glob("cfw-*-pre-migration.sqlite3"))
    assert len(backups) == 1
    manifest = json.loads(backups[0].with_name(backups[0].name + ".json").read_text())
    assert manifest["schema_revision"] == OLDEST
    for table, rows in ROWS_0001:
        assert manifest["row_counts"][table] == len(rows)
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    engine = make_engine(url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert snapshot(engine, before["columns"]) == before
    engine.dispose()


@needs_older_revision
def test_init_migrates_nothing_when_the_backup_fails(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    engine = make_engine(url)
    populate_oldest(engine)
    engine.dispose()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")

    result = _run_init(url, blocker)

    assert result.exit_code == 1
    assert "backup before migration failed, nothing migrated" in result.output
    engine = make_engine(url)
    assert migrate.current_revision(engine) == OLDEST
    engine.dispose()


@pytest.mark.parametrize("state", ["new", "up to date"])
def test_init_takes_no_backup_of_a_new_or_current_database(tmp_path, state):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    if state == "up to date":
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()

    result = _run_init(url, tmp_path / "backups")

    assert result.exit_code == 0, result.output
    assert "Backup before migration" not in result.output
    assert not list((tmp_path / "backups").glob("cfw-*"))
