"""Staff accounts: password rules, argon2id, role scope, audited changes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select

from survey_app.accounts import users as accounts
from survey_app.accounts.users import AccountError, create_user
from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.models import AuditEntry, ResidentialGroup, User, Ward

RULES = Path(__file__).resolve().parents[3] / "assessment" / "rules"


def _ward(session, code: str = "p1") -> Ward:
    ward = Ward(code=code, name="Phường 1", locality_type="other")
    session.add(ward)
    session.flush()
    return ward


def _rows(session, entity_id) -> list[AuditEntry]:
    return audit.history(session, "user", entity_id)


def test_password_hash_is_argon2id_with_explicit_parameters(production_hasher):
    stored = accounts.hash_password("mot-cau-rat-dai")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert accounts.verify_password(stored, "mot-cau-rat-dai")
    assert not accounts.verify_password(stored, "mot-cau-rat-dai!")
    assert not accounts.verify_password("not-a-hash", "x")


@pytest.mark.parametrize(
    "password",
    ["123456789", "matkhau123", "anhyeuem", "IloveYou1", "password", "qwertyuiop", "88888888"],
)
def test_common_passwords_are_refused(password):
    assert "phổ biến" in accounts.password_problem(password, "canbo")


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("ngan", "ít nhất 8"),
        ("x" * 300, "dài quá"),
        ("canbo-yte-2026", "tên đăng nhập"),
        ("15081990", "chữ số"),
        ("0912345678", "chữ số"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, why):
    assert why in accounts.password_problem(password, "canbo-yte")


def test_a_long_unusual_password_is_accepted():
    assert accounts.password_problem("tre em la tuong lai cua phuong", "canbo") is None


def test_blocklist_is_a_shipped_data_file_of_thousands():
    assert len(accounts.common_passwords()) > 3000


def test_unit_ids_agree_with_the_rule_files():
    for path in RULES.glob("*.toml"):
        units = tomllib.loads(path.read_text(encoding="utf-8")).get("units", {})
        assert set(units) <= set(accounts.UNIT_IDS), path.name


def test_create_user_generates_a_one_time_password_and_audits(db_session):
    with write_transaction(db_session):
        user, password = create_user(db_session, username=" Admin ", role="admin")
    assert user.username == "admin" and user.must_change_password
    assert len(password) == 19 and accounts.verify_password(user.password_hash, password)
    (row,) = _rows(db_session, user.id)
    assert row.action == "user.create" and row.old == ""
    assert audit.decode(row.new)["role"] == "admin"
    assert "argon2" not in row.new  # the hash never reaches the log


def test_create_user_refuses_a_weak_or_duplicate_account(db_session):
    with write_transaction(db_session):
        create_user(db_session, username="admin", role="admin")
    with pytest.raises(AccountError, match="đã có"), write_transaction(db_session):
        create_user(db_session, username="ADMIN", role="admin")
    with pytest.raises(AccountError, match="phổ biến"), write_transaction(db_session):
        create_user(db_session, username="admin2", role="admin", password="123456789")
    with pytest.raises(AccountError, match="Tên đăng nhập"), write_transaction(db_session):
        create_user(db_session, username="a b", role="admin")


@pytest.mark.parametrize(
    ("role", "extra", "message"),
    [
        ("unit", {}, "cần một đơn vị"),
        ("unit", {"unit": "thuyloi"}, "cần một đơn vị"),
        ("leader", {}, "tổ dân phố"),
        ("viewer", {"unit": "yte"}, "Chỉ cán bộ đơn vị"),
        ("council", {"group": True}, "Chỉ tổ trưởng"),
        ("vhxh", {"unit": "yte"}, "vhxh"),
        ("nobody", {}, "Vai trò không hợp lệ"),
    ],
)
def test_role_scope_must_be_consistent(db_session, role, extra, message):
    with write_transaction(db_session):
        ward = _ward(db_session)
        group = ResidentialGroup(ward_id=ward.id, name="Tổ 1")
        db_session.add(group)
        db_session.flush()
    kwargs = {"ward_id": ward.id, "unit": extra.get("unit")}
    if extra.get("group"):
        kwargs["group_id"] = group.id
    with pytest.raises(AccountError, match=message), write_transaction(db_session):
        create_user(db_session, username="canbo", role=role, **kwargs)


def test_non_admins_need_a_ward_and_leaders_take_their_groups_ward(db_session):
    with pytest.raises(AccountError, match="phường"), write_transaction(db_session):
        create_user(db_session, username="xem", role="viewer")
    with write_transaction(db_session):
        ward = _ward(db_session)
        group = ResidentialGroup(ward_id=ward.id, name="Tổ 2")
        db_session.add(group)
        db_session.flush()
        leader, _ = create_user(db_session, username="totruong", role="leader", group_id=group.id)
        officer, _ = create_user(db_session, username="vhxh", role="vhxh", ward_id=ward.id)
    assert (leader.ward_id, leader.group_id) == (ward.id, group.id)
    assert officer.unit == "vhxh"


def test_change_password_checks_the_current_one_and_ends_other_sessions(db_session):
    with write_transaction(db_session):
        user, otp = create_user(db_session, username="canbo", role="admin")
    with pytest.raises(AccountError) as info, write_transaction(db_session):
        accounts.change_password(db_session, user, current="wrong", new="mot-mat-khau-moi")
    assert info.value.field == "current_password"
    with write_transaction(db_session):
        accounts.change_password(db_session, user, current=otp, new="mot-mat-khau-moi")
    db_session.refresh(user)
    assert not user.must_change_password and user.session_version == 2
    assert accounts.verify_password(user.password_hash, "mot-mat-khau-moi")
    assert [r.action for r in _rows(db_session, user.id)] == ["user.create", "user.password_change"]


def test_disable_ends_sessions_and_the_last_admin_stays(db_session):
    with write_transaction(db_session):
        first, _ = create_user(db_session, username="quantri1", role="admin")
    with pytest.raises(AccountError, match="cuối cùng"), write_transaction(db_session):
        accounts.set_active(db_session, first, False, actor=None)
    with write_transaction(db_session):
        second, _ = create_user(db_session, username="quantri2", role="admin")
        accounts.set_active(db_session, first, False, actor=second, reason="nghỉ việc")
    db_session.refresh(first)
    assert not first.active and first.session_version == 2
    row = _rows(db_session, first.id)[-1]
    assert (row.action, row.actor_name, row.reason) == ("user.disable", "quantri2", "nghỉ việc")
    assert audit.decode(row.old)["active"] is True and audit.decode(row.new)["active"] is False


def test_reset_password_and_set_role_are_audited(db_session):
    with write_transaction(db_session):
        ward = _ward(db_session)
        admin, _ = create_user(db_session, username="quantri", role="admin")
        user, _ = create_user(db_session, username="canbo", role="viewer", ward_id=ward.id)
        accounts.set_role(db_session, user, "unit", unit="congan", actor=admin, reason="chuyển")
        otp = accounts.reset_password(db_session, user, actor=admin)
    db_session.refresh(user)
    assert (user.role, user.unit, user.ward_id) == ("unit", "congan", ward.id)
    assert user.must_change_password and accounts.verify_password(user.password_hash, otp)
    actions = [r.action for r in _rows(db_session, user.id)]
    assert actions == ["user.create", "user.role_change", "user.password_reset"]
    assert audit.verify(db_session).ok


def test_get_by_username_ignores_case_and_spaces(db_session):
    with write_transaction(db_session):
        create_user(db_session, username="CanBo", role="admin")
    assert accounts.get_by_username(db_session, "  CANBO ").username == "canbo"
    assert db_session.scalar(select(User.username)) == "canbo"
