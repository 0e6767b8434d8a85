"""Staff accounts: create, change password, disable, change role, reset; each change audited.

Every function runs inside the caller's transaction (`db.write_transaction`) and writes
its audit row there too, so a change and its record are committed together or not at all.
Passwords are hashed with argon2id; a password is refused when it is short, common
(survey_app/data/common-passwords.txt), all digits (dates, phone and ID numbers), or the
username itself.
"""

from __future__ import annotations

import functools
import re
import secrets
import tomllib

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.core import paths, permissions
from survey_app.core.i18n import _, current_language
from survey_app.models import ResidentialGroup, User, Ward
from survey_app.models.accounts import ROLES

DATA = paths.DATA

# OWASP Password Storage Cheat Sheet (argon2id, m=19 MiB, t=2, p=1): strong enough for
# staff accounts behind throttling, and small enough for 2 workers within the memory budget.
# Changing these rehashes each password at its next successful sign-in.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32,
                        salt_len=16, type=Type.ID)  # fmt: skip
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256  # argon2 pre-hashes, but a cap keeps request bodies honest
# All-digit passwords shorter than this are dates, phone or citizen-ID numbers: refused.
DIGITS_ONLY_MIN_LENGTH = 13
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
# One-time passwords: 16 characters from an alphabet without look-alikes (~79 bits).
OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
OTP_LENGTH = 16


class RoleLabel:
    """A role's name from the permissions table, in the language of the request."""

    def __init__(self, role: str) -> None:
        self.role = role

    def __str__(self) -> str:
        return permissions.role_label(self.role, current_language())


ROLE_LABELS = {role: RoleLabel(role) for role in ROLES}
# What an audit row shows of a user (never the password hash).
AUDITED_FIELDS = (
    "username",
    "display_name",
    "position",
    "role",
    "ward_id",
    "unit",
    "group_id",
    "active",
    "must_change_password",
)


def _load_units() -> dict[str, dict]:
    with (DATA / "units.toml").open("rb") as handle:
        return tomllib.load(handle)["units"]


_UNIT_TABLES = _load_units()
UNITS = {uid: table["name"] for uid, table in _UNIT_TABLES.items()}  # id → {"vi", "en"} name
UNIT_IDS = tuple(UNITS)
# id → {"vi", "en"}: the kind of record the unit's figures come from, for the entry form's hint.
UNIT_SOURCE_EXAMPLES = {uid: table["source_example"] for uid, table in _UNIT_TABLES.items()}


class AccountError(ValueError):
    """A request about an account that can't be done; the message says why (translated).

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@functools.cache
def common_passwords() -> frozenset[str]:
    """The blocklist, case-folded (loaded once, on first use)."""
    lines = (DATA / "common-passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line and line[0] != "#")


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("Mật khẩu phải có ít nhất %(n)d ký tự.", n=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _("Mật khẩu dài quá %(n)d ký tự.", n=PASSWORD_MAX_LENGTH)
    folded = password.casefold()
    if username and username.casefold() in folded:
        return _("Mật khẩu không được chứa tên đăng nhập.")
    if folded in common_passwords():
        return _("Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.")
    if password.isdigit() and len(password) < DIGITS_ONLY_MIN_LENGTH:
        return _("Mật khẩu chỉ gồm chữ số (ngày sinh, số điện thoại) dễ bị đoán.")
    return None


def hash_password(password: str) -> str:
    """An argon2id hash string ($argon2id$v=19$m=...,t=...,p=...$salt$hash)."""
    return HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a wrong password or an unreadable hash."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than HASHER's."""
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def burn_verify_time(password: str) -> None:
    """Spend the time of one verification, so an unknown username takes as long as a known one."""
    verify_password(_dummy_hash(), password)


def one_time_password() -> str:
    """A random password to hand over once; its owner must change it at first sign-in."""
    chars = [secrets.choice(OTP_ALPHABET) for _ in range(OTP_LENGTH)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, OTP_LENGTH, 4))


def normalise_username(username: str) -> str:
    """Usernames are compared lower-case and without surrounding spaces."""
    return (username or "").strip().lower()


def get_by_username(session: Session, username: str) -> User | None:
    """The account with this username (case-insensitive), or None."""
    name = normalise_username(username)
    return session.scalars(select(User).where(User.username == name)).first()


def _check_scope(
    session: Session,
    role: str,
    ward_id: int | None,
    unit: str | None,
    group_id: int | None,
) -> tuple[int | None, str | None, int | None]:
    """Validate role/ward/unit/group together; returns the normalised (ward_id, unit, group_id)."""
    if role not in ROLES:
        raise AccountError(_("Vai trò không hợp lệ: %(role)s.", role=role))
    kind, fixed = permissions.account_kind(role), permissions.fixed_unit(role)
    if kind == "unit":
        if unit not in UNIT_IDS:
            raise AccountError(
                _("Cán bộ đơn vị cần một đơn vị: %(units)s.", units=", ".join(UNIT_IDS))
            )
    elif fixed:
        if unit not in (None, "", fixed):
            raise AccountError(
                _("%(role)s thuộc đơn vị %(unit)s.", role=ROLE_LABELS[role], unit=fixed)
            )
        unit = fixed  # so audit rows of this account carry its unit
    elif unit:
        raise AccountError(_("Chỉ cán bộ đơn vị mới gắn với một đơn vị."))
    else:
        unit = None

    if kind == "group":
        group = session.get(ResidentialGroup, group_id) if group_id is not None else None
        if group is None:
            raise AccountError(_("Tổ trưởng cần một tổ dân phố có trong hệ thống."))
        if ward_id is not None and ward_id != group.ward_id:
            raise AccountError(_("Tổ dân phố không thuộc phường đã chọn."))
        ward_id = group.ward_id
    elif group_id is not None:
        raise AccountError(_("Chỉ tổ trưởng mới gắn với một tổ dân phố."))

    if ward_id is not None and session.get(Ward, ward_id) is None:
        raise AccountError(_("Không có phường này trong hệ thống."))
    if ward_id is None and kind != "any":
        raise AccountError(_("Tài khoản này cần thuộc một phường."))
    return ward_id, unit, group_id


def audit_user(
    session: Session,
    action: str,
    user: User,
    old: dict | None,
    actor: User | None,
    reason: str,
) -> None:
    audit.record(
        session,
        action=action,
        entity="user",
        entity_id=user.id,
        old=old,
        new=audit.snapshot(user, AUDITED_FIELDS),
        reason=reason,
        actor=actor,
        ward_id=user.ward_id,
    )


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    display_name: str = "",
    ward_id: int | None = None,
    unit: str | None = None,
    group_id: int | None = None,
    password: str | None = None,
    must_change_password: bool = True,
    actor: User | None = None,
    reason: str = "",
) -> tuple[User, str]:
    """Create an account; returns it and its password (a one-time one when none was given).

    Raises AccountError when the username is taken or malformed, the password is weak, or
    the role does not fit its ward/unit/group (unit officers need a unit, leaders a group).
    """
    name = normalise_username(username)
    if not USERNAME_RE.match(name):
        raise AccountError(
            _("Tên đăng nhập gồm 3–64 ký tự: chữ không dấu, chữ số, dấu chấm, _ hoặc -.")
        )
    if get_by_username(session, name) is not None:
        raise AccountError(_("Tên đăng nhập %(name)s đã có.", name=name))
    ward_id, unit, group_id = _check_scope(session, role, ward_id, unit, group_id)
    if password is None:
        password = one_time_password()
    elif problem := password_problem(password, name):
        raise AccountError(problem)
    user = User(
        username=name,
        display_name=(display_name or "").strip()[:200],
        password_hash=hash_password(password),
        role=role,
        ward_id=ward_id,
        unit=unit,
        group_id=group_id,
        active=True,
        must_change_password=must_change_password,
        session_version=1,
    )
    session.add(user)
    session.flush()
    audit_user(session, "user.create", user, None, actor, reason)
    return user, password


def change_password(
    session: Session, user: User, *, current: str, new: str, actor: User | None = None
) -> None:
    """The user replaces their password; every other session of theirs ends.

    Raises AccountError when ``current`` is wrong or ``new`` is refused.
    """
    if not verify_password(user.password_hash, current):
        raise AccountError(_("Mật khẩu hiện tại không đúng."), field="current_password")
    if current == new:
        raise AccountError(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
    if problem := password_problem(new, user.username):
        raise AccountError(problem)
    old = audit.snapshot(user, AUDITED_FIELDS)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_version += 1
    session.flush()
    audit_user(session, "user.password_change", user, old, actor or user, "")


def reset_password(session: Session, user: User, *, actor: User | None, reason: str = "") -> str:
    """Give the user a new one-time password (returned once); their sessions end."""
    old = audit.snapshot(user, AUDITED_FIELDS)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_version += 1
    session.flush()
    audit_user(session, "user.password_reset", user, old, actor, reason)
    return password


def _refuse_last_admin(session: Session, user: User) -> None:
    """Refuse to remove the last active account able to work on every ward ("wards.all")."""
    admins = permissions.roles_with("wards.all")
    if user.role not in admins or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role.in_(admins), User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise AccountError(_("Không thể bỏ quản trị viên cuối cùng đang hoạt động."))


def set_active(
    session: Session, user: User, active: bool, *, actor: User | None, reason: str = ""
) -> None:
    """Enable or disable an account; disabling ends every session of it at once."""
    if user.active == active:
        return
    if not active:
        _refuse_last_admin(session, user)
    old = audit.snapshot(user, AUDITED_FIELDS)
    user.active = active
    if not active:
        user.session_version += 1
    session.flush()
    audit_user(session, "user.enable" if active else "user.disable", user, old, actor, reason)


def set_role(
    session: Session,
    user: User,
    role: str,
    *,
    unit: str | None = None,
    group_id: int | None = None,
    ward_id: int | None = None,
    actor: User | None,
    reason: str = "",
) -> None:
    """Give the user another role (with its unit or group); checked like `create_user`.

    ``ward_id`` None keeps the user's ward.
    """
    if role not in permissions.roles_with("wards.all"):
        _refuse_last_admin(session, user)
    ward = ward_id if ward_id is not None else user.ward_id
    if role in ROLES and permissions.account_kind(role) == "group" and ward_id is None:
        ward = None  # a leader's ward comes from their group
    ward, unit, group_id = _check_scope(session, role, ward, unit, group_id)
    old = audit.snapshot(user, AUDITED_FIELDS)
    user.role, user.unit, user.group_id, user.ward_id = role, unit, group_id, ward
    session.flush()
    audit_user(session, "user.role_change", user, old, actor, reason)


__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "UNITS",
    "UNIT_IDS",
    "AccountError",
    "audit_user",
    "burn_verify_time",
    "change_password",
    "create_user",
    "get_by_username",
    "hash_password",
    "needs_rehash",
    "one_time_password",
    "password_problem",
    "reset_password",
    "set_active",
    "set_role",
    "verify_password",
]
