"""The ward's assessment council: the people (name, position, place in the council) who sign.

A member may be linked to a council account: the approval step needs two *different* council
accounts, and the minutes print the people. `council_of` gives the dossier plain data.
Each change is one transaction with its audit row ("council.add|update|remove").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.admin.setup import NAME_MAX, SetupError, clean_text
from survey_app.audit import log as audit
from survey_app.core import permissions
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.models import CouncilMember, User, Ward
from survey_app.models.council import COUNCIL_PLACES

if TYPE_CHECKING:
    from survey_app.accounts.users import User as Actor

FIELDS = ("ward_id", "name", "position", "council_role", "order", "user_id")
MAX_ORDER = 999


@dataclass(frozen=True, slots=True)
class CouncilPerson:
    """One council member as documents print it."""

    name: str
    position: str
    council_role: str  # chair | vice_chair | member | secretary
    order: int
    user_id: int | None = None
    username: str = ""


@dataclass(frozen=True, slots=True)
class Council:
    """A ward's council: its chair (from the list, else the ward's chair fields) and the rest."""

    chair: CouncilPerson | None
    members: tuple[CouncilPerson, ...] = ()  # everyone but the chair, in order


def members_of(session: Session, ward_id: int) -> list[CouncilMember]:
    """The council rows of a ward, chair first, then by order and id."""
    query = select(CouncilMember).where(CouncilMember.ward_id == ward_id)
    rows = session.scalars(query.order_by(CouncilMember.order, CouncilMember.id)).all()
    return sorted(rows, key=lambda row: row.council_role != "chair")


def council_of(session: Session, ward_id: int) -> Council:
    """The council of ``ward_id`` as plain data (for the minutes and the approval page)."""
    query = select(User.id, User.username).where(User.ward_id == ward_id)
    names = {row.id: row.username for row in session.execute(query)}
    people = [
        CouncilPerson(
            row.name,
            row.position,
            row.council_role,
            row.order,
            row.user_id,
            names.get(row.user_id, ""),
        )
        for row in members_of(session, ward_id)
    ]
    chair = next((p for p in people if p.council_role == "chair"), None)
    if chair is None:
        ward = session.get(Ward, ward_id)
        if ward is not None and ward.chair_name:
            chair = CouncilPerson(ward.chair_name, ward.chair_title, "chair", 0)
    return Council(chair, tuple(p for p in people if p is not chair))


def _values(session: Session, ward_id: int, given: dict[str, Any]) -> dict[str, Any]:
    errors = []
    name = clean_text(given.get("name"))
    position = clean_text(given.get("position"))
    role = given.get("council_role") or "member"
    if not 0 < len(name) <= NAME_MAX:
        errors.append(_("Họ và tên: bắt buộc, tối đa %(n)d ký tự.", n=NAME_MAX))
    if len(position) > NAME_MAX:
        errors.append(_("Chức vụ: tối đa %(n)d ký tự.", n=NAME_MAX))
    if role not in COUNCIL_PLACES:
        errors.append(_("Vai trò trong Hội đồng không hợp lệ."))
    order = given.get("order") or 0
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= MAX_ORDER:
        errors.append(_("Thứ tự: một số từ 0 đến %(n)d.", n=MAX_ORDER))
    user_id = given.get("user_id") or None
    if user_id is not None:
        account = session.get(User, user_id)
        approves = account is not None and permissions.has(account.role, "round.approve")
        if not approves or account.ward_id != ward_id:
            errors.append(_("Tài khoản liên kết phải là tài khoản Hội đồng của phường này."))
    if errors:
        raise SetupError(errors)
    return {
        "name": name,
        "position": position,
        "council_role": role,
        "order": order,
        "user_id": user_id,
    }


def _check_links(session: Session, ward_id: int, values: dict[str, Any], member_id: int) -> None:
    others = [m for m in members_of(session, ward_id) if m.id != member_id]
    if values["user_id"] and any(m.user_id == values["user_id"] for m in others):
        raise SetupError(_("Tài khoản này đã gắn với một thành viên khác của Hội đồng."))
    if values["council_role"] == "chair" and any(m.council_role == "chair" for m in others):
        raise SetupError(_("Hội đồng đã có Chủ tịch: sửa người đó trước."))


def _audit(
    session: Session,
    action: str,
    row: CouncilMember,
    old: dict | None,
    actor: Actor | None,
    reason: str,
    new: dict | None = None,
) -> None:
    session.flush()
    audit.record(
        session,
        action=action,
        entity="council_member",
        entity_id=row.id,
        old=old,
        new=audit.snapshot(row, FIELDS) if new is None else new,
        reason=reason,
        actor=actor,
        ward_id=row.ward_id,
    )


def add_member(
    session: Session, ward_id: int, *, actor: Actor | None, reason: str = "", **given: Any
) -> CouncilMember:
    """Use case: add a person to the council (audited "council.add")."""
    with write_transaction(session):
        if session.get(Ward, ward_id) is None:
            raise SetupError(_("Không có phường này trong hệ thống."))
        values = _values(session, ward_id, given)
        _check_links(session, ward_id, values, 0)
        row = CouncilMember(ward_id=ward_id, **values)
        session.add(row)
        _audit(session, "council.add", row, None, actor, reason)
        return row


def _member(session: Session, ward_id: int, member_id: int) -> CouncilMember:
    row = session.get(CouncilMember, member_id)
    if row is None or row.ward_id != ward_id:
        raise LookupError(member_id)
    return row


def update_member(
    session: Session,
    ward_id: int,
    member_id: int,
    *,
    actor: Actor | None,
    reason: str = "",
    **given: Any,
) -> CouncilMember:
    """Use case: correct a member's name, position, place or linked account ("council.update").

    Raises LookupError for a member of another ward (the view answers 404).
    """
    with write_transaction(session):
        row = _member(session, ward_id, member_id)
        values = _values(session, ward_id, given)
        _check_links(session, ward_id, values, row.id)
        old = audit.snapshot(row, FIELDS)
        if all(old[key] == value for key, value in values.items()):
            raise SetupError(_("Không có gì thay đổi."))
        for key, value in values.items():
            setattr(row, key, value)
        _audit(session, "council.update", row, old, actor, reason)
        return row


def remove_member(
    session: Session, ward_id: int, member_id: int, *, actor: Actor | None, reason: str = ""
) -> None:
    """Use case: take a person off the council list ("council.remove"; past approvals stay)."""
    with write_transaction(session):
        row = _member(session, ward_id, member_id)
        old = audit.snapshot(row, FIELDS)
        _audit(session, "council.remove", row, old, actor, reason, new={})
        session.delete(row)
