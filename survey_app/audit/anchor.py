"""The audit chain's anchor: the newest (id, hash) kept outside the database.

The hash chain catches a changed or removed row in the middle, but not the newest rows
removed together: what is left is still a valid chain. So after every commit that wrote
audit rows, the new head is written to ``instance/audit-anchor.json`` (AUDIT_ANCHOR_FILE),
one entry per database URL, only ever moving forward (a lock file orders the workers).
`cfw audit verify` compares the table with it and names the missing rows. The same head is
written into every backup manifest and printed on every dossier (`log.chain_head`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Engine

ANCHOR_FILE_NAME = "audit-anchor.json"
FORMAT = 1
MAX_DATABASES = 20  # entries kept (the newest); a test run may touch many databases
logger = logging.getLogger("cfw.audit")


@dataclass(frozen=True)
class Head:
    """A point on the chain: row ``id`` has ``hash``."""

    id: int
    hash: str


def anchor_path(app: Flask) -> Path:
    """AUDIT_ANCHOR_FILE, or audit-anchor.json in the instance folder."""
    configured = app.config.get("AUDIT_ANCHOR_FILE")
    return Path(configured) if configured else Path(app.instance_path) / ANCHOR_FILE_NAME


def database_key(engine: Engine) -> str:
    """Which database an entry belongs to: its URL without the password."""
    return engine.url.render_as_string(hide_password=True)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"format": FORMAT, "databases": {}}
    except (OSError, ValueError) as exc:
        raise ValueError(f"the audit anchor {path} is unreadable: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("databases"), dict):
        raise ValueError(f"the audit anchor {path} is not an anchor file")
    return data


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write(path: Path, data: dict[str, Any]) -> None:
    entries = data["databases"]
    if len(entries) > MAX_DATABASES:
        newest = sorted(entries, key=lambda k: entries[k].get("at", ""))[-MAX_DATABASES:]
        data["databases"] = {k: entries[k] for k in newest}
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)


def read_head(path: Path, key: str) -> Head | None:
    """The anchored head of database ``key``, or None when none was written yet."""
    entry = _read(path)["databases"].get(key)
    return Head(int(entry["id"]), str(entry["hash"])) if entry else None


def advance(path: Path, key: str, head: Head, *, force: bool = False) -> bool:
    """Write ``head`` for ``key`` unless a newer one is there (``force``: always); True if so."""
    with _locked(path):
        data = _read(path)
        current = data["databases"].get(key)
        if current and int(current["id"]) >= head.id and not force:
            return False
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        data["databases"][key] = {"id": head.id, "hash": head.hash, "at": at}
        _write(path, data)
    return True


def forget(app: Flask, engine: Engine) -> None:
    """Drop the entry of a database (a new, empty one starts a new chain)."""
    path = anchor_path(app)
    with _locked(path):
        data = _read(path)
        if data["databases"].pop(database_key(engine), None) is not None:
            _write(path, data)


def after_commit(engine: Engine, head: Head) -> None:
    """Called once a transaction with audit rows committed: move the anchor forward.

    Never raises: the change is already stored; a failure is logged for the operator.
    """
    if not has_app_context():
        return
    try:
        advance(anchor_path(current_app), database_key(engine), head)
    except (OSError, ValueError) as exc:
        logger.warning("audit anchor not updated (head #%s): %s", head.id, exc)
        return
    logger.info("audit head #%s %s", head.id, head.hash)


__all__ = [
    "ANCHOR_FILE_NAME",
    "Head",
    "advance",
    "after_commit",
    "anchor_path",
    "database_key",
    "forget",
    "read_head",
]
