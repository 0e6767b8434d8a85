"""Backups and restores of the SQLite database, each checked and described by a manifest.

Copies are made only through SQLite's online backup API: a file copy of a live WAL
database can miss committed pages still in the ``-wal`` file or catch a page half-written.
Every copy is switched to a single self-contained file (journal_mode=DELETE), checked with
``PRAGMA integrity_check`` and described by ``<file>.json``: name, sha256, size, schema
revision, row counts per table, the audit chain's head, creation time (UTC) and app version, which
`survey_app.ops.restore` verifies before it touches the live database.

PostgreSQL is backed up with pg_dump; `pg_dump_command` prints the exact command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, make_url

PREFIX = "cfw-"
SUFFIX = ".sqlite3"
MANIFEST_SUFFIX = ".json"
MANIFEST_FORMAT = 1
DEFAULT_KEEP = 14
# Kinds of backups: `manual` from `cfw backup`, the others taken automatically.
KINDS = ("manual", "pre-migration", "pre-restore")


class BackupError(Exception):
    """A backup or restore that can't go ahead; the message says what to fix."""


@dataclass
class BackupResult:
    """A finished, checked backup."""

    path: Path
    manifest_path: Path
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


def sqlite_path(engine: Engine) -> Path:
    """The file behind a SQLite engine; BackupError for PostgreSQL or an in-memory database."""
    if engine.dialect.name != "sqlite":
        raise BackupError(
            f"the database is {engine.dialect.name}, not SQLite: back it up with pg_dump"
        )
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database).resolve()


def app_version() -> str:
    """The installed package version, written into every manifest."""
    try:
        return metadata.version("child-friendly-ward")
    except metadata.PackageNotFoundError:  # running from a bare source tree
        return "unknown"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    # A rename is durable only once the directory entry itself reaches the disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_database(path: Path, readonly: bool = True) -> sqlite3.Connection:
    """A connection to a database file, read-only unless asked otherwise."""
    # Backups are opened read-only so a check can never change them. The live database is
    # opened read-write: a read-only connection can't clean up its -wal/-shm files on close.
    if not readonly:
        return sqlite3.connect(path)
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def integrity_check(path: Path, *, readonly: bool = True) -> str:
    """``PRAGMA integrity_check`` of a database file: "ok" or the first problems found."""
    conn = open_database(path, readonly)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:  # not a database at all, or unreadable
        return str(exc)
    finally:
        conn.close()
    return "; ".join(str(row[0]) for row in rows[:5])


def describe(path: Path, *, readonly: bool = True) -> tuple[str | None, dict[str, int]]:
    """The schema revision and the row count of every table of a SQLite file."""
    conn = open_database(path, readonly)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # Table names come from sqlite_master itself, quoted: no user input reaches this SQL.
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    finally:
        conn.close()
    return revision, counts


def audit_head(path: Path, *, readonly: bool = True) -> dict[str, Any]:
    """The newest audit row of a SQLite file as {"id", "hash"} (id 0 for an empty log).

    Kept in every manifest: an anchor outside the live database, so a later
    `cfw audit verify --manifest <file>.json` shows whether newer-than-backup rows went.
    """
    conn = open_database(path, readonly)
    try:
        row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # no audit_log table (an empty or very old database)
        row = None
    finally:
        conn.close()
    return {"id": row[0], "hash": row[1]} if row else {"id": 0, "hash": "0" * 64}


def manifest_path_for(backup: Path) -> Path:
    """Where the manifest of a backup file lives: beside it, with ``.json`` appended."""
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def _prepare_dir(directory: Path) -> Path:
    directory = directory.expanduser().resolve()
    if directory.exists() and not directory.is_dir():
        raise BackupError(f"backup directory {directory} is a file, not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create backup directory {directory}: {exc.strerror}") from exc
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BackupError(f"backup directory {directory} is not writable by this user")
    return directory


def _copy_database(source: Path, target: Path, busy_timeout_s: float) -> None:
    """Online copy through the backup API, then make the copy one self-contained file."""
    src = sqlite3.connect(source, timeout=busy_timeout_s)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()
    with target.open("rb+") as fh:
        os.fsync(fh.fileno())


def create_backup(
    engine: Engine,
    directory: Path,
    *,
    kind: str = "manual",
    keep: int | None = None,
    busy_timeout_s: float = 30.0,
) -> BackupResult:
    """Back up the live SQLite database into ``directory``, check it and write its manifest.

    With ``keep`` set, only the newest ``keep`` backups of the directory stay (older ones
    are deleted with their manifests). Automatic backups pass ``keep=None``: a migration or
    a restore must never delete the backup someone is about to need.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1")
    source = sqlite_path(engine)
    if not source.is_file():
        raise BackupError(f"database file {source} does not exist: run `cfw init` first")
    directory = _prepare_dir(directory)

    created = _utcnow()
    stamp = created.strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{PREFIX}{stamp}-{kind}{SUFFIX}"
    final = directory / name
    partial = directory / (name + ".partial")
    try:
        _copy_database(source, partial, busy_timeout_s)
        status = integrity_check(partial)
        if status != "ok":
            raise BackupError(f"the backup copy failed integrity_check: {status}")
        revision, counts = describe(partial)
        manifest = {
            "format": MANIFEST_FORMAT,
            "file": name,
            "kind": kind,
            "sha256": sha256_file(partial),
            "size": partial.stat().st_size,
            "schema_revision": revision,
            "row_counts": counts,
            "audit_head": audit_head(partial),
            "created_at": created.isoformat().replace("+00:00", "Z"),
            "app_version": app_version(),
            "source": str(source),
        }
        os.replace(partial, final)
        manifest_file = manifest_path_for(final)
        tmp_manifest = manifest_file.with_name(manifest_file.name + ".partial")
        tmp_manifest.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
        os.replace(tmp_manifest, manifest_file)
        _fsync_dir(directory)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {source} failed: {exc}") from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot write the backup into {directory}: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise

    pruned = prune(directory, keep) if keep is not None else []
    return BackupResult(final, manifest_file, manifest, pruned)


def list_backups(directory: Path) -> list[Path]:
    """Finished backups of a directory (with a manifest), oldest first.

    The file names start with a UTC timestamp, so their order is their age.
    """
    if not directory.is_dir():
        return []
    found = [
        p
        for p in directory.glob(f"{PREFIX}*{SUFFIX}")
        if p.is_file() and manifest_path_for(p).is_file()
    ]
    return sorted(found, key=lambda p: p.name)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (and their manifests); return what went."""
    backups = list_backups(directory)
    doomed = backups[:-keep] if len(backups) > keep else []
    for path in doomed:
        path.unlink(missing_ok=True)
        manifest_path_for(path).unlink(missing_ok=True)
    return doomed


def pg_dump_command(url: str, directory: str = ".") -> str:
    """The pg_dump command for a PostgreSQL DATABASE_URL, with the password left out.

    The password goes in ~/.pgpass or PGPASSWORD, never on a command line (ps shows it).
    """
    parsed = make_url(url)
    parts = ["pg_dump", "--format=custom"]
    if parsed.host:
        parts.append(f"--host={parsed.host}")
    if parsed.port:
        parts.append(f"--port={parsed.port}")
    if parsed.username:
        parts.append(f"--username={parsed.username}")
    parts.append(f'--file="{directory.rstrip("/")}/cfw-$(date -u +%Y%m%dT%H%M%SZ).dump"')
    parts.append(f"--dbname={parsed.database or 'postgres'}")
    return " ".join(parts)
