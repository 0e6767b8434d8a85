"""People and roles of a ward: the use cases behind the accounts page and `cfw user`.

Each function is one transaction around the account rules of `survey_app.accounts.users`
(username, password and role/unit/group checks, audit rows there). ``ward_id`` is the ward
the administrator works in: an account of another ward is a LookupError (the page says 404),
so a ward's administrator never sees or changes another ward's people.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.accounts import users as accounts
from survey_app.admin.setup import NAME_MAX, clean_text
from survey_app.audit import log as audit
from survey_app.core import permissions
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.models import User

AccountError = accounts.AccountError
APPROVE = "round.approve"  # the permission of the accounts a council member may be linked to


def people_of(session: Session, ward_id: int | None) -> list[User]:
    """The accounts of a ward (every account when ``ward_id`` is None), by role then username."""
    query = select(User).order_by(User.role, User.username)
    if ward_id is not None:
        query = query.where(User.ward_id == ward_id)
    return list(session.scalars(query))


def account_of(session: Session, ward_id: int | None, user_id: int) -> User:
    """The account ``user_id`` if it belongs to ``ward_id`` (None: any ward), else LookupError."""
    user = session.get(User, user_id)
    if user is None or (ward_id is not None and user.ward_id != ward_id):
        raise LookupError(user_id)
    return user


def _group_bound(role: str) -> bool:
    """True for a role whose account belongs to a residential group (its ward comes from it)."""
    return role in permissions.ROLES and permissions.account_kind(role) == "group"


def approvers_of(session: Session, ward_id: int) -> list[User]:
    """The ward's active accounts whose role approves rounds (the council's accounts)."""
    return [u for u in people_of(session, ward_id) if u.active and permissions.has(u.role, APPROVE)]


def _position(value: str | None) -> str:
    text = clean_text(value)
    if len(text) > NAME_MAX:
        raise AccountError(_("Chức vụ: tối đa %(n)d ký tự.", n=NAME_MAX), field="position")
    return text


def create_account(
    session: Session,
    *,
    ward_id: int | None,
    username: str,
    role: str,
    display_name: str = "",
    position: str = "",
    unit: str | None = None,
    group_id: int | None = None,
    actor: User | None,
    reason: str = "",
) -> tuple[User, str]:
    """Use case: a new account with a one-time password (returned once, changed at sign-in)."""
    with write_transaction(session):
        title = _position(position)
        user, password = accounts.create_user(
            session,
            username=username,
            role=role,
            display_name=clean_text(display_name),
            ward_id=ward_id,
            unit=unit or None,
            group_id=group_id,
            actor=actor,
            reason=reason,
        )
        if title:
            old = audit.snapshot(user, accounts.AUDITED_FIELDS)
            user.position = title
            session.flush()
            accounts.audit_user(session, "user.update", user, old, actor, reason)
        return user, password


def update_account(
    session: Session,
    ward_id: int | None,
    user_id: int,
    *,
    display_name: str,
    position: str,
    role: str,
    unit: str | None = None,
    group_id: int | None = None,
    actor: User | None,
    reason: str = "",
) -> User:
    """Use case: change an account's name, position, role, unit or group (audited)."""
    with write_transaction(session):
        user = account_of(session, ward_id, user_id)
        title = _position(position)
        name = clean_text(display_name)[:NAME_MAX]
        if (role, unit or None, group_id) != (user.role, user.unit, user.group_id):
            accounts.set_role(
                session,
                user,
                role,
                unit=unit or None,
                group_id=group_id,
                ward_id=None if _group_bound(role) else user.ward_id,
                actor=actor,
                reason=reason,
            )
        if (name, title) != (user.display_name, user.position):
            old = audit.snapshot(user, accounts.AUDITED_FIELDS)
            user.display_name, user.position = name, title
            session.flush()
            accounts.audit_user(session, "user.update", user, old, actor, reason)
        return user


def set_account_active(
    session: Session,
    ward_id: int | None,
    user_id: int,
    active: bool,
    *,
    actor: User | None,
    reason: str = "",
) -> User:
    """Use case: disable (every session ends) or enable an account; never oneself."""
    with write_transaction(session):
        user = account_of(session, ward_id, user_id)
        if actor is not None and user.id == actor.id and not active:
            raise AccountError(_("Bạn không thể tự khóa tài khoản của mình."))
        accounts.set_active(session, user, active, actor=actor, reason=reason)
        return user


def reset_account_password(
    session: Session, ward_id: int | None, user_id: int, *, actor: User | None, reason: str = ""
) -> tuple[User, str]:
    """Use case: a new one-time password (shown once, changed at the next sign-in)."""
    with write_transaction(session):
        user = account_of(session, ward_id, user_id)
        if actor is not None and user.id == actor.id:
            raise AccountError(_("Hãy dùng trang Đổi mật khẩu cho tài khoản của chính bạn."))
        return user, accounts.reset_password(session, user, actor=actor, reason=reason)
