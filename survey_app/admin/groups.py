"""One residential group at a time: add, rename, change populations, retire or bring back.

Groups are never deleted (their posters and answers must survive): a retired group gets no
poster in new rounds and its live posters are paused. Each change is one transaction with its
audit rows; bad input raises SetupError listing every problem. Whole lists come in through
`survey_app.admin.group_import`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.admin.group_import import validate_group_rows
from survey_app.admin.setup import REASON_MIN_LENGTH, SetupError, _audit, _groups_of, snapshot
from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.models import AssessmentRound, PosterToken, ResidentialGroup, Response, Ward
from survey_app.survey import tokens
from survey_app.survey.caps import poster_cap

if TYPE_CHECKING:
    from survey_app.models import User


def groups_of(session: Session, ward_id: int) -> list[ResidentialGroup]:
    """Every group of the ward in order, retired ones included (the page marks them)."""
    ward = session.get(Ward, ward_id)
    return _groups_of(session, ward) if ward is not None else []


def answer_counts(session: Session, ward_id: int) -> dict[int, int]:
    """Group id → number of stored answers (every round)."""
    query = (
        select(Response.group_id, func.count())
        .join(ResidentialGroup, ResidentialGroup.id == Response.group_id)
        .where(ResidentialGroup.ward_id == ward_id)
        .group_by(Response.group_id)
    )
    return dict(session.execute(query).all())


def group_of(session: Session, ward_id: int, group_id: int) -> ResidentialGroup:
    """The group if it belongs to the ward, else LookupError (the page answers 404)."""
    group = session.get(ResidentialGroup, group_id)
    if group is None or group.ward_id != ward_id:
        raise LookupError(group_id)
    return group


def _row(name: Any, children: Any, residents: Any) -> Any:
    return validate_group_rows([{"name": name, "children": children, "residents": residents}])[0]


def _name_taken(session: Session, ward_id: int, name: str, group_id: int = 0) -> bool:
    query = select(ResidentialGroup.id).where(
        ResidentialGroup.ward_id == ward_id,
        ResidentialGroup.name == name,
        ResidentialGroup.id != group_id,
    )
    return session.execute(query).first() is not None


def add_group(
    session: Session,
    ward_id: int,
    *,
    name: Any,
    children: Any,
    residents: Any,
    actor: User | None,
    reason: str = "",
) -> ResidentialGroup:
    """Use case: a new group at the end of the list, with a poster in every open round."""
    row = _row(name, children, residents)
    with write_transaction(session):
        ward = session.get(Ward, ward_id)
        if ward is None:
            raise SetupError(_("Không có phường này trong hệ thống."))
        if _name_taken(session, ward_id, row.name):
            raise SetupError(_("Phường đã có tổ dân phố tên %(name)s.", name=row.name))
        position = max((g.position for g in _groups_of(session, ward)), default=0) + 1
        group = ResidentialGroup(
            ward_id=ward_id,
            name=row.name,
            position=position,
            children=row.children,
            residents=row.residents,
        )
        session.add(group)
        _audit(session, "group.create", group, None, reason=reason, actor=actor)
        open_rounds = session.scalars(
            select(AssessmentRound).where(
                AssessmentRound.ward_id == ward_id, AssessmentRound.status == "open"
            )
        )
        for round_ in open_rounds.all():
            cap = poster_cap(group.children, group.residents)
            tokens.new_token(session, group, round_, cap, actor=actor, reason=reason)
        return group


def update_group(
    session: Session,
    ward_id: int,
    group_id: int,
    *,
    name: Any,
    children: Any,
    residents: Any,
    actor: User | None,
    reason: str = "",
) -> ResidentialGroup:
    """Use case: rename a group or correct its populations (the sample targets follow)."""
    row = _row(name, children, residents)
    with write_transaction(session):
        group = group_of(session, ward_id, group_id)
        if _name_taken(session, ward_id, row.name, group.id):
            raise SetupError(_("Phường đã có tổ dân phố tên %(name)s.", name=row.name))
        old = snapshot(group)
        if (group.name, group.children, group.residents) == (row.name, row.children, row.residents):
            raise SetupError(_("Không có gì thay đổi."))
        group.name, group.children, group.residents = row.name, row.children, row.residents
        _audit(session, "group.update", group, old, reason=reason, actor=actor)
        return group


def set_retired(
    session: Session,
    ward_id: int,
    group_id: int,
    retired: bool,
    *,
    actor: User | None,
    reason: str,
) -> ResidentialGroup:
    """Use case: retire a group (its live posters pause) or bring it back; a reason is required."""
    if len(" ".join((reason or "").split())) < REASON_MIN_LENGTH:
        raise SetupError(_("Hãy ghi lý do (ít nhất %(n)d ký tự).", n=REASON_MIN_LENGTH))
    with write_transaction(session):
        group = group_of(session, ward_id, group_id)
        if group.retired == retired:
            raise SetupError(_("Tổ dân phố đã ở trạng thái này."))
        old = snapshot(group)
        group.retired = retired
        _audit(
            session,
            "group.retire" if retired else "group.restore",
            group,
            old,
            reason=reason,
            actor=actor,
        )
        if retired:
            live = session.scalars(
                select(PosterToken).where(
                    PosterToken.group_id == group.id, PosterToken.status == "active"
                )
            )
            for token in live.all():
                token.status = "paused"
                audit.record(
                    session,
                    action="token.pause",
                    entity="poster_token",
                    entity_id=token.id,
                    old={"status": "active"},
                    new={"status": "paused"},
                    reason=reason,
                    actor=actor,
                    ward_id=ward_id,
                )
        return group
