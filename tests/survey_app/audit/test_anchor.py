"""The audit anchor outside the table: deleting the newest rows is detected and named."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import delete

from survey_app.app import create_app
from survey_app.audit import anchor
from survey_app.audit import log as audit
from survey_app.commands.audit import audit as audit_cli
from survey_app.commands.backup import backup as backup_cli
from survey_app.core.db import engine, get_session, write_transaction
from survey_app.models import AuditEntry
from tests.conftest import CHECKOUT_INSTANCE
from tests.survey_app.audit.test_audit import tamper


def _add(session, n: int) -> None:
    for i in range(n):  # one transaction each, as the app writes them
        with write_transaction(session):
            audit.record(
                session, action="thing.change", entity="thing", entity_id=i, old=None, new={"v": i}
            )


def _anchored(app) -> anchor.Head | None:
    with app.app_context():
        return anchor.read_head(anchor.anchor_path(app), anchor.database_key(engine()))


def test_every_commit_moves_the_anchor_and_a_rollback_does_not(app, db_session):
    _add(db_session, 3)
    assert _anchored(app) == anchor.Head(*audit.chain_head(db_session))
    assert _anchored(app).id == 3
    try:
        with write_transaction(db_session):
            audit.record(db_session, action="x", entity="thing", entity_id=9, old=None, new=None)
            raise RuntimeError("use case failed")
    except RuntimeError:
        pass
    assert _anchored(app).id == 3
    assert oct(anchor.anchor_path(app).stat().st_mode & 0o777) == "0o600"


def test_the_anchor_never_moves_back(tmp_path):
    path, key = tmp_path / "a.json", "sqlite:///x"
    assert anchor.advance(path, key, anchor.Head(5, "e" * 64))
    assert not anchor.advance(path, key, anchor.Head(4, "d" * 64))  # a slower worker
    assert anchor.read_head(path, key) == anchor.Head(5, "e" * 64)


def test_deleting_the_newest_rows_is_reported_with_their_ids(app, db_session, runner):
    _add(db_session, 5)
    ok = runner.invoke(audit_cli, ["verify"])
    assert ok.exit_code == 0 and "OK: 5 rows" in ok.output and "matches 1 anchor" in ok.output

    tamper(db_session, delete(AuditEntry).where(AuditEntry.id >= 4))
    assert audit.verify(db_session).ok  # what is left is still a valid chain
    result = runner.invoke(audit_cli, ["verify"])
    assert result.exit_code == 1
    assert "2 row(s) missing, #4–#5" in result.output
    assert "the table ends at #3" in result.output

    tail = audit.verify_tail(db_session, _anchored(app))
    assert tail.missing == (4, 5) and not tail.ok


def test_deleting_only_the_newest_row_is_reported(app, db_session, runner):
    _add(db_session, 2)
    tamper(db_session, delete(AuditEntry).where(AuditEntry.id == 2))
    result = runner.invoke(audit_cli, ["verify"])
    assert result.exit_code == 1 and "1 row(s) missing, #2 " in result.output


def test_a_head_from_a_dossier_or_a_manifest_is_checked_too(app, db_session, runner, tmp_path):
    _add(db_session, 3)
    head_id, head_hash = audit.chain_head(db_session)
    anchor.anchor_path(app).unlink()  # an attacker who also wiped the anchor file
    tamper(db_session, delete(AuditEntry).where(AuditEntry.id == 3))
    plain = runner.invoke(audit_cli, ["verify"])
    assert plain.exit_code == 0 and "no anchor" in plain.output
    result = runner.invoke(audit_cli, ["verify", "--expect-head", f"{head_id}:{head_hash}"])
    assert result.exit_code == 1 and "#3" in result.output and "--expect-head" in result.output

    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"audit_head": {"id": head_id, "hash": head_hash}}))
    result = runner.invoke(audit_cli, ["verify", "--manifest", str(manifest)])
    assert result.exit_code == 1 and "1 row(s) missing, #3" in result.output
    bad = runner.invoke(audit_cli, ["verify", "--expect-head", "3:abc"])
    assert bad.exit_code == 2 and "ID:HASH" in bad.output


def test_a_rewritten_anchored_row_is_reported(app, db_session, runner):
    _add(db_session, 2)
    with app.app_context():
        key = anchor.database_key(engine())
    anchor.advance(anchor.anchor_path(app), key, anchor.Head(2, "f" * 64), force=True)
    result = runner.invoke(audit_cli, ["verify"])
    assert result.exit_code == 1 and "rewritten" in result.output


def test_the_backup_manifest_carries_the_head(app, db_session, runner, tmp_path):
    if db_session.get_bind().dialect.name != "sqlite":
        return  # `cfw backup` is SQLite only (pg_dump otherwise)
    _add(db_session, 2)
    result = runner.invoke(backup_cli, ["--dir", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    (manifest,) = (tmp_path / "b").glob("*.json")
    head_id, head_hash = audit.chain_head(db_session)
    assert json.loads(manifest.read_text())["audit_head"] == {"id": head_id, "hash": head_hash}
    assert f"audit head #{head_id} {head_hash}" in result.output


def test_an_app_built_by_a_test_keeps_its_anchor_out_of_the_checkout(database_url, tmp_path):
    """tests/conftest.py gives every app a test builds, and every `cfw` process it starts, a
    temp instance folder: nothing lands in the checkout's instance/."""
    built = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40})
    try:
        with built.app_context():
            _add(get_session(), 1)
        path = anchor.anchor_path(built)
    finally:
        built.extensions["cfw_engine"].dispose()
    assert path.is_file() and path.is_relative_to(tmp_path)
    assert Path(built.instance_path).is_relative_to(tmp_path)
    assert Path(os.environ["AUDIT_ANCHOR_FILE"]).is_relative_to(tmp_path)  # for child processes
    assert not path.is_relative_to(CHECKOUT_INSTANCE)
