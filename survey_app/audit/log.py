"""The append-only, hash-chained audit log: record a change, verify the chain, read history.

Each row stores ``prev_hash`` (the previous row's hash, or 64 zeros for the first row) and
``hash`` = sha256(prev_hash + canonical JSON of the row). Changing, removing or reordering
a row breaks the chain from that row on, and `verify` names it. The database refuses UPDATE
and DELETE on ``audit_log`` (triggers from migration 0002), and a unique index on
``prev_hash`` makes a fork impossible even if two writers raced past the lock.

`record` writes inside the caller's transaction and never commits: the change and its audit
row are stored together or not at all. Once that transaction commits, the new head goes to
the anchor outside the database (survey_app/audit/anchor.py), so `verify_tail` can tell
when the newest rows were removed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from survey_app.audit import anchor
from survey_app.models import AuditEntry

if TYPE_CHECKING:
    from survey_app.models import User

GENESIS_HASH = "0" * 64
# One fixed key for PostgreSQL's advisory lock: every audit writer queues on it.
_PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"cfw:audit_log").digest()[:8], "big", signed=True)
# Fields that enter the hash, in the canonical row (``id`` is assigned by the database
# after the hash is computed, so it is not part of it; the chain itself fixes the order).
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_unit",
    "ward_id",
    "action",
    "entity",
    "entity_id",
    "old",
    "new",
    "reason",
    "prev_hash",
)


@dataclass(frozen=True)
class TailResult:
    """The table compared with an anchored head: ``missing`` lists removed ids (newest)."""

    ok: bool
    anchor: anchor.Head
    table_max_id: int
    missing: tuple[int, ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify`: ``first_bad_id`` and ``problem`` are set when not ok."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)  # exact: "12.50" stays "12.50"
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"not JSON-safe for the audit log: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text kept, dates and decimals as text."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    )


def _row_dict(entry: AuditEntry) -> dict[str, Any]:
    row = {name: getattr(entry, name) for name in HASHED_FIELDS}
    row["at"] = entry.at.isoformat(timespec="microseconds")
    return row


def compute_hash(entry: AuditEntry) -> str:
    """sha256 of the previous hash followed by the canonical JSON of the row's fields."""
    payload = entry.prev_hash + canonical_json(_row_dict(entry))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _lock_head(session: Session) -> None:
    """Serialise writers so each reads the true head before appending.

    SQLite: the caller's BEGIN IMMEDIATE already holds the only write lock. PostgreSQL:
    a transaction-level advisory lock, released by COMMIT or ROLLBACK.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def chain_head(session: Session) -> tuple[int, str]:
    """The newest row's (id, hash); (0, 64 zeros) for an empty log.

    Printed on every dossier and written into every backup manifest: anyone holding one can
    later check that no row up to it was removed (`cfw audit verify --expect-head ID:HASH`).
    """
    row = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else (0, GENESIS_HASH)


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: str | int,
    old: dict | None,
    new: dict | None,
    reason: str = "",
    actor: User | None = None,
    ward_id: int | None = None,
) -> AuditEntry:
    """Append one row describing a change, inside the caller's transaction (never commits).

    ``old``/``new`` are stored as canonical JSON ("" for None); ``actor`` None means the
    system or a command line (say who in ``reason``). ``ward_id`` defaults to the actor's.
    """
    _lock_head(session)
    _, prev_hash = chain_head(session)
    entry = AuditEntry(
        at=_now(),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else "",
        actor_role=actor.role if actor is not None else "",
        actor_unit=(actor.unit or "") if actor is not None else "",
        ward_id=ward_id if ward_id is not None else (actor.ward_id if actor else None),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        old="" if old is None else canonical_json(old),
        new="" if new is None else canonical_json(new),
        reason=reason or "",
        prev_hash=prev_hash,
    )
    entry.hash = compute_hash(entry)
    session.add(entry)
    session.flush()
    _anchor_after_commit(session, entry)
    return entry


def _anchor_after_commit(session: Session, entry: AuditEntry) -> None:
    """Remember the newest row of this transaction; the anchor moves once it commits."""
    session.info["cfw_audit_head"] = anchor.Head(entry.id, entry.hash)
    if not session.info.get("cfw_audit_hooked"):
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_rollback", _rolled_back)
        session.info["cfw_audit_hooked"] = True


def _committed(session: Session) -> None:
    head = session.info.pop("cfw_audit_head", None)
    if head is not None:
        anchor.after_commit(session.get_bind(), head)


def _rolled_back(session: Session) -> None:
    session.info.pop("cfw_audit_head", None)


def verify_tail(session: Session, head: anchor.Head) -> TailResult:
    """Compare the table with an anchored head: every row up to it must still be there.

    Rows removed from the end leave a valid chain behind; the anchor (kept outside the
    database) still names the head they had, so the missing ids are the anchor's id down
    to the table's newest id + 1. Run `verify` too: it checks everything before.
    """
    max_id = session.execute(select(func.max(AuditEntry.id))).scalar() or 0
    stored = session.execute(select(AuditEntry.hash).where(AuditEntry.id == head.id)).scalar()
    if head.id == 0:
        return TailResult(True, head, max_id)
    if stored is None and max_id < head.id:
        missing = tuple(range(max_id + 1, head.id + 1))
        return TailResult(False, head, max_id, missing, "the newest rows were removed")
    if stored is None:
        return TailResult(False, head, max_id, (head.id,), "the anchored row was removed")
    if stored != head.hash:
        problem = f"row #{head.id} has another hash than anchored: the chain was rewritten"
        return TailResult(False, head, max_id, (), problem)
    return TailResult(True, head, max_id)


def verify(session: Session, *, batch_size: int = 1000) -> VerifyResult:
    """Walk the whole chain in id order; name the first row whose link or content is wrong."""
    expected_prev = GENESIS_HASH
    checked = 0
    rows = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch_size)
    )
    try:  # a streamed (server-side) cursor must be closed even when we stop early
        for entry in rows:
            if entry.prev_hash != expected_prev:
                return VerifyResult(
                    False,
                    checked,
                    entry.id,
                    "prev_hash does not match the previous row: a row was removed, added or moved",
                )
            if compute_hash(entry) != entry.hash:
                return VerifyResult(
                    False,
                    checked,
                    entry.id,
                    "hash does not match the row's content: it was changed",
                )
            expected_prev = entry.hash
            checked += 1
    finally:
        rows.close()
    return VerifyResult(True, checked)


def history(session: Session, entity: str, entity_id: str | int) -> list[AuditEntry]:
    """Every recorded change of one thing (e.g. "user", 7), oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)
        )
    )


def recent(
    session: Session, *, limit: int = 50, entity: str | None = None, entity_id: str | None = None
) -> list[AuditEntry]:
    """The newest rows first, optionally of one entity (and one id)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    return list(session.scalars(query))


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """A dict of some attributes of ``obj``, the usual ``old``/``new`` of a change."""
    return {name: getattr(obj, name) for name in fields}


def decode(value: str) -> Any:
    """The Python value of a stored ``old``/``new`` column (None for "")."""
    return json.loads(value) if value else None


__all__ = [
    "GENESIS_HASH",
    "TailResult",
    "VerifyResult",
    "canonical_json",
    "chain_head",
    "compute_hash",
    "decode",
    "history",
    "recent",
    "record",
    "snapshot",
    "verify",
    "verify_tail",
]
