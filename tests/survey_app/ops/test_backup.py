"""`cfw backup` and `cfw restore`: checked copies, manifests, retention, safe restores."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from survey_app.app import create_app
from survey_app.commands.backup import backup, restore
from survey_app.core import migrate
from survey_app.core.db import write_transaction
from survey_app.models import Answer, Response
from survey_app.ops import backup as svc
from tests.conftest import PG_URL
from tests.survey_app.ops_data import row_counts, seed

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite backups; PostgreSQL uses pg_dump")


def _live_path(app) -> Path:
    return Path(app.extensions["cfw_engine"].url.database)


def _backups(directory: Path) -> list[Path]:
    return sorted(directory.glob("cfw-*.sqlite3"))


def _make_backup(runner, directory: Path, *args: str) -> Path:
    result = runner.invoke(backup, ["--dir", str(directory), *args])
    assert result.exit_code == 0, result.output
    return _backups(directory)[-1]


@sqlite_only
def test_backup_passes_integrity_check_and_matches_its_manifest(app, db_session, runner, tmp_path):
    seed(db_session)
    expected = row_counts(db_session)
    db_session.close()

    path = _make_backup(runner, tmp_path / "bk")

    manifest = json.loads(path.with_name(path.name + ".json").read_text())
    assert manifest["file"] == path.name
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["size"] == path.stat().st_size
    assert manifest["schema_revision"] == migrate.head_revision()
    assert manifest["created_at"].endswith("Z")
    assert manifest["app_version"]
    for table, n in expected.items():
        assert manifest["row_counts"][table] == n
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM answer").fetchone() == (expected["answer"],)
    conn.close()


@sqlite_only
def test_retention_keeps_the_newest_n(runner, tmp_path):
    directory = tmp_path / "bk"
    made = [_make_backup(runner, directory, "--keep", "2") for _ in range(4)]
    (directory / "notes.txt").write_text("not a backup")

    assert _backups(directory) == made[-2:]
    assert sorted(p.name for p in directory.glob("*.json")) == [p.name + ".json" for p in made[-2:]]
    assert (directory / "notes.txt").exists()


@sqlite_only
def test_restore_dry_run_changes_nothing(app, db_session, runner, tmp_path):
    seed(db_session)
    path = _make_backup(runner, tmp_path / "bk")
    with write_transaction(db_session):
        db_session.execute(delete(Answer))
        db_session.execute(delete(Response))
    before = row_counts(db_session)
    db_session.close()

    result = runner.invoke(restore, [str(path), "--dry-run", "--dir", str(tmp_path / "bk")])

    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    assert "response: 0 →" in result.output
    assert row_counts(db_session) == before
    assert _backups(tmp_path / "bk") == [path]  # no safety backup either


@sqlite_only
def test_restore_brings_back_data_deleted_after_the_backup(app, db_session, runner, tmp_path):
    seed(db_session)
    expected = row_counts(db_session)
    path = _make_backup(runner, tmp_path / "bk")
    with write_transaction(db_session):
        db_session.execute(delete(Answer))
        db_session.execute(delete(Response))
    db_session.close()

    result = runner.invoke(restore, [str(path), "--dir", str(tmp_path / "bk")])

    assert result.exit_code == 0, result.output
    assert row_counts(db_session) == expected
    assert db_session.scalar(select(func.count()).select_from(Answer)) == expected["answer"]
    safety = [p for p in _backups(tmp_path / "bk") if p.name.endswith("-pre-restore.sqlite3")]
    assert len(safety) == 1  # the state just before the restore is kept
    manifest = json.loads(safety[0].with_name(safety[0].name + ".json").read_text())
    assert manifest["row_counts"]["response"] == 0
    with sqlite3.connect(_live_path(app)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


@sqlite_only
def test_tampered_backup_is_refused(app, db_session, runner, tmp_path):
    seed(db_session)
    path = _make_backup(runner, tmp_path / "bk")
    before = row_counts(db_session)
    db_session.close()
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))

    result = runner.invoke(restore, [str(path)])

    assert result.exit_code == 1
    assert "does not match its manifest" in result.output
    assert "Traceback" not in result.output
    assert row_counts(db_session) == before


@sqlite_only
def test_backup_from_newer_code_is_refused(app, runner, tmp_path):
    path = _make_backup(runner, tmp_path / "bk")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
    conn.close()
    manifest_path = path.with_name(path.name + ".json")
    manifest = json.loads(manifest_path.read_text())
    manifest.update(sha256=hashlib.sha256(path.read_bytes()).hexdigest(), size=path.stat().st_size)
    manifest_path.write_text(json.dumps(manifest))

    result = runner.invoke(restore, [str(path), "--dry-run"])

    assert result.exit_code == 1
    assert "revision from-the-future, which this code does not know" in result.output


@sqlite_only
@pytest.mark.parametrize("problem", ["missing file", "missing manifest", "not a database"])
def test_unusable_backup_gets_a_clear_message(runner, tmp_path, problem):
    path = tmp_path / "cfw-x.sqlite3"
    if problem != "missing file":
        path.write_bytes(b"hello")
    if problem == "not a database":
        manifest = {"file": path.name, "size": 5, "sha256": hashlib.sha256(b"hello").hexdigest()}
        path.with_name(path.name + ".json").write_text(json.dumps(manifest))

    result = runner.invoke(restore, [str(path), "--dry-run"])

    assert result.exit_code == 1
    expected = {
        "missing file": "does not exist",
        "missing manifest": "no manifest",
        "not a database": "failed integrity_check",
    }[problem]
    assert expected in result.output


@sqlite_only
def test_restore_refuses_while_another_connection_is_open(app, db_session, runner, tmp_path):
    seed(db_session)
    path = _make_backup(runner, tmp_path / "bk")
    db_session.close()
    other = sqlite3.connect(_live_path(app))  # stands in for a running server
    other.execute("SELECT count(*) FROM ward").fetchone()
    try:
        result = runner.invoke(restore, [str(path), "--dir", str(tmp_path / "bk")])
    finally:
        other.close()

    assert result.exit_code == 1
    assert "another process has the database open" in result.output
    assert _backups(tmp_path / "bk") == [path]


@sqlite_only
def test_backup_into_a_file_path_is_a_clear_error(app, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    with app.app_context(), pytest.raises(svc.BackupError, match="is a file, not a directory"):
        svc.create_backup(app.extensions["cfw_engine"], target)


@pytest.mark.parametrize("command", [backup, restore])
def test_postgres_is_sent_to_pg_dump_with_the_password_hidden(tmp_path, command):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": "postgresql+psycopg://cfw:s3cret@db.example:5433/wards",
        }
    )
    args = [] if command is backup else [str(tmp_path / "x.sqlite3")]
    with app.app_context():
        result = CliRunner().invoke(command, args)

    assert result.exit_code == 2
    assert "pg_dump --format=custom --host=db.example --port=5433 --username=cfw" in result.output
    assert "--dbname=wards" in result.output
    assert "s3cret" not in result.output
    app.extensions["cfw_engine"].dispose()


@sqlite_only
def test_a_damaged_live_database_gets_a_way_forward(app, runner, tmp_path):
    path = _make_backup(runner, tmp_path / "bk")
    app.extensions["cfw_engine"].dispose()
    live = _live_path(app)
    for suffix in ("-wal", "-shm"):
        live.with_name(live.name + suffix).unlink(missing_ok=True)
    live.write_bytes(b"this is not a database" * 200)

    result = runner.invoke(restore, [str(path)])

    assert result.exit_code == 1
    assert "is unreadable" in result.output and "move it aside" in result.output
    live.unlink()
    result = runner.invoke(restore, [str(path)])
    assert result.exit_code == 0, result.output
    assert "Safety backup" not in result.output  # nothing left to keep
