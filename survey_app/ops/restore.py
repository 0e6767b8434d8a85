"""Restores of the SQLite database from a backup made by `survey_app.ops.backup`.

Nothing is touched until the backup has passed every check: its manifest (sha256, size,
file name), ``PRAGMA integrity_check`` and a schema revision this code knows. A real restore
first keeps a safety backup of the database it replaces, copies through SQLite's backup API
(never a file copy) and checks the result. The app must be stopped meanwhile: running
workers would keep writing into the file being replaced.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from survey_app.core import migrate
from survey_app.ops.backup import (
    BackupError,
    create_backup,
    describe,
    integrity_check,
    manifest_path_for,
    open_database,
    sha256_file,
    sqlite_path,
)


@dataclass
class RestorePlan:
    """What a restore found and would do (the whole report of a dry run)."""

    backup: Path
    manifest: dict[str, Any]
    live_path: Path
    live_exists: bool
    live_revision: str | None
    live_counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    safety_backup: Path | None = None


def read_manifest(backup: Path) -> dict[str, Any]:
    """The manifest beside a backup file; BackupError when it is missing or unreadable."""
    manifest_file = manifest_path_for(backup)
    if not manifest_file.is_file():
        raise BackupError(
            f"no manifest {manifest_file.name} beside {backup}: only backups made by "
            "`cfw backup` can be restored"
        )
    try:
        manifest = json.loads(manifest_file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"manifest {manifest_file} is unreadable: {exc}") from exc
    if not isinstance(manifest, dict) or not {"sha256", "size", "file"} <= manifest.keys():
        raise BackupError(f"manifest {manifest_file} lacks file, sha256 or size")
    return manifest


def verify_backup(backup: Path) -> dict[str, Any]:
    """Check a backup before a restore: manifest, hash, integrity, schema revision.

    Returns the manifest; raises BackupError naming the first check that failed.
    """
    backup = backup.expanduser().resolve()
    if not backup.is_file():
        raise BackupError(f"backup file {backup} does not exist")
    manifest = read_manifest(backup)
    if manifest["file"] != backup.name:
        raise BackupError(
            f"manifest describes {manifest['file']}, not {backup.name}: file renamed or mixed up"
        )
    size = backup.stat().st_size
    if size != manifest["size"] or sha256_file(backup) != manifest["sha256"]:
        raise BackupError(
            f"backup {backup.name} does not match its manifest (sha256/size differ): the file "
            "was changed or damaged after it was made; refusing to restore it"
        )
    status = integrity_check(backup)
    if status != "ok":
        raise BackupError(f"backup {backup.name} failed integrity_check: {status}")
    revision, _counts = describe(backup)
    check_revision(revision)
    return manifest


def check_revision(revision: str | None) -> None:
    """Refuse a schema this code does not know (made by newer code) or no schema at all."""
    if revision is None:
        raise BackupError("the backup holds no schema revision (not a cfw database?)")
    script = ScriptDirectory.from_config(migrate.alembic_config())
    try:
        known = script.get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"the backup is at schema revision {revision}, which this code does not know "
            f"(head is {migrate.head_revision()}): restore it with the newer version that made it"
        )


def other_connections(live: Path) -> bool:
    """True when another process seems to have the live database open.

    Closing the last connection to a WAL database checkpoints it and deletes the -wal and
    -shm files; if they survive our own open-and-close, someone else holds the database.
    """
    wal = live.with_name(live.name + "-wal")
    shm = live.with_name(live.name + "-shm")
    if not (wal.exists() or shm.exists()):
        return False
    # Reading the schema makes SQLite open the WAL; the close then checkpoints and removes
    # it if we are the last connection (which also cleans up after a crashed process).
    conn = sqlite3.connect(live)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
    return wal.exists() or shm.exists()


def plan_restore(engine: Engine, backup: Path) -> RestorePlan:
    """Verify a backup and describe what restoring it would change; changes nothing."""
    manifest = verify_backup(backup)
    live = sqlite_path(engine)
    engine.dispose()  # our own pooled connections must not count as "someone else"
    plan = RestorePlan(
        backup=backup.expanduser().resolve(),
        manifest=manifest,
        live_path=live,
        live_exists=live.is_file(),
        live_revision=None,
        live_counts={},
    )
    if plan.live_exists:
        try:
            plan.live_revision, plan.live_counts = describe(live, readonly=False)
            busy = other_connections(live)
        except sqlite3.DatabaseError as exc:
            # A damaged live database is the usual reason to restore: say how to proceed
            # rather than fail on it (it can't be safety-copied through the backup API).
            raise BackupError(
                f"the current database {live} is unreadable ({exc}): move it aside "
                f"(mv {live.name} {live.name}.damaged) and run the restore again"
            ) from exc
        if busy:
            plan.warnings.append(
                "another process has the database open (the server or a command is running): "
                "stop it before restoring"
            )
    return plan


def restore_backup(
    engine: Engine,
    backup: Path,
    safety_dir: Path,
    *,
    force: bool = False,
    busy_timeout_s: float = 30.0,
) -> RestorePlan:
    """Replace the live database with a verified backup, keeping a safety backup first.

    The app must be stopped: a restore under running workers would swap data beneath
    their open transactions. Without ``force`` the restore refuses when other
    connections are seen. Afterwards the live database must pass integrity_check.
    """
    plan = plan_restore(engine, backup)
    if plan.warnings and not force:
        raise BackupError("; ".join(plan.warnings) + " (or pass --force)")
    if plan.live_exists:
        plan.safety_backup = create_backup(
            engine, safety_dir, kind="pre-restore", busy_timeout_s=busy_timeout_s
        ).path
        engine.dispose()
    plan.live_path.parent.mkdir(parents=True, exist_ok=True)
    src = open_database(plan.backup)
    dst = sqlite3.connect(plan.live_path, timeout=busy_timeout_s)
    try:
        src.backup(dst)
        # The copy came from a journal_mode=DELETE file; the live database runs in WAL.
        dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(f"restore into {plan.live_path} failed: {exc}") from exc
    finally:
        dst.close()
        src.close()
    status = integrity_check(plan.live_path, readonly=False)
    if status != "ok":
        raise BackupError(
            f"restored database failed integrity_check: {status}; the previous database is "
            f"kept in {plan.safety_backup}"
        )
    return plan
