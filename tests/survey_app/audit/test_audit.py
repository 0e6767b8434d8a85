"""The hash-chained, append-only audit log."""

from __future__ import annotations

import datetime as dt
import decimal
import threading

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import sessionmaker

from survey_app.accounts.users import create_user
from survey_app.audit import log as audit
from survey_app.core.db import engine, write_transaction
from survey_app.models import AuditEntry, User


def _add(session, n: int = 1, entity: str = "thing") -> list[AuditEntry]:
    rows = []
    with write_transaction(session):
        for i in range(n):
            rows.append(
                audit.record(
                    session,
                    action="thing.change",
                    entity=entity,
                    entity_id=i,
                    old={"value": i},
                    new={"value": i + 1},
                    reason="kiểm tra",
                )
            )
    return rows


def tamper(session, statement) -> None:
    """Run an UPDATE/DELETE on audit_log behind the triggers' back, on its own connection."""
    bind = session.get_bind()
    with bind.connect() as conn, conn.begin():
        if bind.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:  # PostgreSQL: skip user triggers for this transaction only
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(statement)
    session.expire_all()


def test_canonical_json_is_sorted_compact_and_keeps_vietnamese():
    value = {"b": decimal.Decimal("12.50"), "a": dt.date(2026, 1, 3), "tên": "Tổ 5"}
    assert audit.canonical_json(value) == '{"a":"2026-01-03","b":"12.50","tên":"Tổ 5"}'


def test_canonical_json_refuses_what_it_cannot_represent():
    with pytest.raises(TypeError):
        audit.canonical_json({"x": object()})
    with pytest.raises(ValueError):
        audit.canonical_json({"x": float("nan")})


def test_rows_link_into_a_chain_from_genesis(db_session):
    assert audit.chain_head(db_session) == (0, audit.GENESIS_HASH)
    first, second, third = _add(db_session, 3)
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert audit.chain_head(db_session) == (third.id, third.hash)
    assert audit.verify(db_session) == audit.VerifyResult(ok=True, checked=3)


def test_record_fills_the_actor_and_stores_canonical_json(db_session, make_user):
    actor = db_session.get(User, make_user("canbo", role="unit", unit="yte"))
    with write_transaction(db_session):
        entry = audit.record(
            db_session,
            action="value.set",
            entity="criterion_value",
            entity_id=7,
            old=None,
            new={"n": 3, "d": 4},
            actor=actor,
        )
    assert (entry.actor_name, entry.actor_role, entry.actor_unit) == ("canbo", "unit", "yte")
    assert entry.ward_id == actor.ward_id
    assert (entry.old, entry.new, entry.entity_id) == ("", '{"d":4,"n":3}', "7")


def test_verify_names_a_changed_row(db_session):
    rows = _add(db_session, 4)
    tamper(db_session, update(AuditEntry).where(AuditEntry.id == rows[2].id).values(new='{"v":9}'))
    result = audit.verify(db_session)
    assert (result.ok, result.first_bad_id, result.checked) == (False, rows[2].id, 2)
    assert "changed" in result.problem


def test_verify_names_the_row_after_a_removed_one(db_session):
    rows = _add(db_session, 4)
    tamper(db_session, delete(AuditEntry).where(AuditEntry.id == rows[1].id))
    result = audit.verify(db_session)
    assert (result.ok, result.first_bad_id) == (False, rows[2].id)
    assert "removed" in result.problem


@pytest.mark.parametrize("kind", ["update", "delete"])
def test_the_database_refuses_update_and_delete(db_session, kind):
    row = _add(db_session, 1)[0]
    if kind == "update":
        statement = update(AuditEntry).where(AuditEntry.id == row.id).values(reason="x")
    else:
        statement = delete(AuditEntry).where(AuditEntry.id == row.id)
    with pytest.raises(DBAPIError, match="append-only"), write_transaction(db_session):
        db_session.execute(statement)
    assert audit.verify(db_session).ok


def test_postgres_refuses_truncate(db_session):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _add(db_session, 1)
    with pytest.raises(DBAPIError, match="append-only"), write_transaction(db_session):
        db_session.execute(text("TRUNCATE audit_log"))


def test_a_fork_is_impossible(db_session):
    row = _add(db_session, 1)[0]
    twin = AuditEntry(
        at=row.at,
        action="x",
        entity="x",
        entity_id="1",
        old="",
        new="",
        reason="",
        prev_hash=row.prev_hash,
        hash="f" * 64,
    )
    with pytest.raises(IntegrityError), write_transaction(db_session):
        db_session.add(twin)


def test_an_error_after_a_change_leaves_neither_change_nor_audit_row(db_session):
    with pytest.raises(RuntimeError), write_transaction(db_session):
        create_user(db_session, username="giamdoc", role="admin")
        raise RuntimeError("boom after the change")
    assert db_session.scalar(select(func.count()).select_from(User)) == 0
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_history_lists_one_entity_oldest_first(db_session):
    _add(db_session, 2, entity="a")
    _add(db_session, 3, entity="b")
    rows = audit.history(db_session, "b", 1)
    assert [(r.entity, r.entity_id) for r in rows] == [("b", "1")]
    assert [r.entity for r in audit.recent(db_session, limit=2)] == ["b", "b"]
    assert audit.decode(rows[0].new) == {"value": 2}


def test_concurrent_writers_never_fork_the_chain(app):
    writers, per_writer = 4, 8
    with app.app_context():
        factory = sessionmaker(bind=engine(), expire_on_commit=False)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        session = factory()
        try:
            for i in range(per_writer):
                with write_transaction(session):
                    audit.record(
                        session, action="t", entity="w", entity_id=f"{n}-{i}", old=None, new={}
                    )
        except BaseException as exc:  # reported below; a thread can't fail the test itself
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        session = factory()
        result = audit.verify(session)
        session.close()
    assert result == audit.VerifyResult(ok=True, checked=writers * per_writer)
