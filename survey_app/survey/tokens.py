"""Poster tokens: the random secret behind each QR code, tied to one group and round.

A token is ≥128 bits from `secrets` (26 typable characters, see `generate_token`); the group
of an answer comes only from its token. Every change (create, pause, resume, rotate, revoke,
cap change) is written to the audit log in the same transaction.

Rotate vs revoke: *rotate* replaces a poster (torn, reprinted) and the old link forwards people
to the new one; *revoke* is for a link that leaked (posted online) and forwards nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.models import AssessmentRound, PosterToken, ResidentialGroup, Ward
from survey_app.survey.token_format import (  # re-exported: callers use tokens.*
    TOKEN_PATTERN,
    display_token,
    generate_token,
    normalise_typed,
    survey_url,
)

if TYPE_CHECKING:
    from survey_app.models import User

MAX_FORWARDS = 20  # rotations followed at most this far, to stop on bad data


class TokenState(StrEnum):
    """What a visitor with this token can do."""

    ACTIVE = "active"
    PAUSED = "paused"
    ROTATED = "rotated"
    REVOKED = "revoked"
    CLOSED = "closed"  # the round is closed
    CAPPED = "capped"  # the poster took all the answers it may take
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """The result of a lookup: state, and the ids a survey needs when it is usable."""

    state: TokenState
    token_id: int | None = None
    group_id: int | None = None
    round_id: int | None = None
    ward_id: int | None = None
    group_name: str = ""
    ward_name: str = ""
    instrument_version: str = ""
    replacement: str | None = None  # the active token that replaced a rotated one

    @property
    def usable(self) -> bool:
        """True when the survey can be answered with this token."""
        return self.state is TokenState.ACTIVE


class TokenError(ValueError):
    """A token change that cannot be made (unknown token, wrong state, bad cap)."""


# ----------------------------------------------------------------------------- lookups


def lookup(session: Session, token: str) -> TokenInfo:
    """The state of a token string from a QR code or typed by hand (bad input is "unknown").

    The exact string is tried first (older tokens are case-sensitive and may contain
    hyphens); otherwise the typed form is repaired (see `normalise_typed`) and tried.
    """
    if not isinstance(token, str) or len(token) > 128:
        return TokenInfo(TokenState.UNKNOWN)
    candidates = [token] if TOKEN_PATTERN.match(token) else []
    typed = normalise_typed(token)
    if typed is not None and typed != token:
        candidates.append(typed)
    for candidate in candidates:
        info = _info(session, "token", candidate)
        if info.state is not TokenState.UNKNOWN:
            return info
    return TokenInfo(TokenState.UNKNOWN)


def lookup_by_id(session: Session, token_id: Any) -> TokenInfo:
    """The state of a token by its id (kept in the visitor's session)."""
    if not isinstance(token_id, int) or isinstance(token_id, bool):
        return TokenInfo(TokenState.UNKNOWN)
    return _info(session, "id", token_id)


# Everything a lookup needs, in one joined Core query over the tables (not the ORM
# entities): it runs on every survey page and post, so it is built once and cached.
_T, _G, _W, _R = (m.__table__ for m in (PosterToken, ResidentialGroup, Ward, AssessmentRound))
_INFO_QUERY = (
    select(
        _T.c.id,
        _T.c.token,
        _T.c.status,
        _T.c.used,
        _T.c.cap,
        _T.c.group_id,
        _T.c.round_id,
        _G.c.ward_id,
        _G.c.name.label("group_name"),
        _W.c.name.label("ward_name"),
        _R.c.instrument_version,
        _R.c.status.label("round_status"),
    )
    .join(_G, _G.c.id == _T.c.group_id)
    .join(_W, _W.c.id == _G.c.ward_id)
    .join(_R, _R.c.id == _T.c.round_id)
)
_BY_ID = _INFO_QUERY.where(_T.c.id == bindparam("value"))
_BY_TOKEN = _INFO_QUERY.where(_T.c.token == bindparam("value"))


def _info(session: Session, by: str, value: Any) -> TokenInfo:
    query = _BY_ID if by == "id" else _BY_TOKEN
    found = session.connection().execute(query, {"value": value}).first()
    if found is None:
        return TokenInfo(TokenState.UNKNOWN)
    base = {
        "token_id": found.id,
        "group_id": found.group_id,
        "round_id": found.round_id,
        "ward_id": found.ward_id,
        "group_name": found.group_name,
        "ward_name": found.ward_name,
        "instrument_version": found.instrument_version,
    }
    if found.status == "rotated":
        token = session.get(PosterToken, found.id)
        return TokenInfo(TokenState.ROTATED, replacement=_replacement(token), **base)
    if found.status == "revoked":
        return TokenInfo(TokenState.REVOKED, **base)
    if found.round_status != "open":
        return TokenInfo(TokenState.CLOSED, **base)
    if found.status == "paused":
        return TokenInfo(TokenState.PAUSED, **base)
    if found.used >= found.cap:
        return TokenInfo(TokenState.CAPPED, **base)
    return TokenInfo(TokenState.ACTIVE, **base)


def _replacement(token: PosterToken) -> str | None:
    """The token string that now stands for a rotated token, when it is active."""
    current = token
    for _ in range(MAX_FORWARDS):
        if current.replaced_by is None:
            break
        current = current.replaced_by
    if current is token or current.status != "active" or not current.round.is_open:
        return None
    return current.token


def current_token(session: Session, group_id: int, round_id: int) -> PosterToken | None:
    """The newest token of a group in a round that is not rotated or revoked (or None)."""
    return session.execute(
        select(PosterToken)
        .where(
            PosterToken.group_id == group_id,
            PosterToken.round_id == round_id,
            PosterToken.status.in_(("active", "paused")),
        )
        .order_by(PosterToken.id.desc())
        .limit(1)
    ).scalar()


# ----------------------------------------------------------------------------- changes


def _snapshot(token: PosterToken) -> dict[str, Any]:
    # The token string itself is a secret: the audit log names the token by id only.
    return {
        "group_id": token.group_id,
        "round_id": token.round_id,
        "cap": token.cap,
        "used": token.used,
        "status": token.status,
        "replaced_by_id": token.replaced_by_id,
    }


def new_token(
    session: Session,
    group: ResidentialGroup,
    round_: AssessmentRound,
    cap: int,
    *,
    actor: User | None = None,
    reason: str = "",
) -> PosterToken:
    """Add a fresh token for ``group`` in ``round_`` inside the caller's write transaction."""
    if group.ward_id != round_.ward_id:
        raise TokenError("the group and the round belong to different wards")
    if not isinstance(cap, int) or cap < 0:
        raise TokenError("the cap must be a whole number, 0 or more")
    token = PosterToken(
        token=generate_token(),
        group_id=group.id,
        round_id=round_.id,
        cap=cap,
        used=0,
        status="active",
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        action="token.create",
        entity="poster_token",
        entity_id=token.id,
        old=None,
        new=_snapshot(token),
        reason=reason,
        actor=actor,
        ward_id=group.ward_id,
    )
    return token


def create_token(
    session: Session,
    group_id: int,
    round_id: int,
    cap: int,
    *,
    actor: User | None = None,
    reason: str = "",
) -> PosterToken:
    """Use case: issue a token for a group's poster (one transaction, audited)."""
    with write_transaction(session):
        group = session.get(ResidentialGroup, group_id)
        round_ = session.get(AssessmentRound, round_id)
        if group is None or round_ is None:
            raise TokenError("unknown group or round")
        return new_token(session, group, round_, cap, actor=actor, reason=reason)


def _change(
    session: Session,
    token_id: int,
    action: str,
    values: dict[str, Any],
    *,
    allowed_from: tuple[str, ...],
    actor: User | None,
    reason: str,
) -> PosterToken:
    """Apply ``values`` to a token in its current transaction, audited; check its state."""
    token = session.get(PosterToken, token_id, with_for_update=True)
    if token is None:
        raise TokenError("unknown token")
    if token.status not in allowed_from:
        raise TokenError(f"a {token.status} token cannot be changed by {action}")
    old = _snapshot(token)
    session.execute(update(PosterToken).where(PosterToken.id == token_id).values(**values))
    session.refresh(token)
    audit.record(
        session,
        action=action,
        entity="poster_token",
        entity_id=token.id,
        old=old,
        new=_snapshot(token),
        reason=reason,
        actor=actor,
        ward_id=token.group.ward_id,
    )
    return token


# Status changes: (audit action, new status, statuses it may come from).
_TRANSITIONS = {
    "pause": ("token.pause", "paused", ("active",)),
    "resume": ("token.resume", "active", ("paused",)),
    "revoke": ("token.revoke", "revoked", ("active", "paused")),
}


def _set_status(
    session: Session, token_id: int, change: str, actor: User | None, reason: str
) -> PosterToken:
    action, status, allowed = _TRANSITIONS[change]
    with write_transaction(session):
        return _change(
            session,
            token_id,
            action,
            {"status": status},
            allowed_from=allowed,
            actor=actor,
            reason=reason,
        )


def pause_token(
    session: Session, token_id: int, *, actor: User | None = None, reason: str = ""
) -> PosterToken:
    """Use case: stop a poster taking answers for now (visitors see "paused", 423)."""
    return _set_status(session, token_id, "pause", actor, reason)


def resume_token(
    session: Session, token_id: int, *, actor: User | None = None, reason: str = ""
) -> PosterToken:
    """Use case: let a paused poster take answers again."""
    return _set_status(session, token_id, "resume", actor, reason)


def revoke_token(
    session: Session, token_id: int, *, actor: User | None = None, reason: str = ""
) -> PosterToken:
    """Use case: kill a leaked link for good; it forwards nobody (visitors see 410)."""
    return _set_status(session, token_id, "revoke", actor, reason)


def set_cap(
    session: Session, token_id: int, cap: int, *, actor: User | None = None, reason: str = ""
) -> PosterToken:
    """Use case: change how many answers a poster may take in total."""
    if not isinstance(cap, int) or isinstance(cap, bool) or cap < 0:
        raise TokenError("the cap must be a whole number, 0 or more")
    with write_transaction(session):
        return _change(
            session,
            token_id,
            "token.cap",
            {"cap": cap},
            allowed_from=("active", "paused"),
            actor=actor,
            reason=reason,
        )


def rotate_token(
    session: Session,
    token_id: int,
    *,
    cap: int | None = None,
    actor: User | None = None,
    reason: str = "",
) -> PosterToken:
    """Use case: replace a poster's token; the old link forwards to the new one.

    The new token's cap defaults to what the old one had left, so rotating never lets a
    group take more answers than it was allowed.
    """
    with write_transaction(session):
        old = session.get(PosterToken, token_id, with_for_update=True)
        if old is None:
            raise TokenError("unknown token")
        remaining = max(old.cap - old.used, 0) if cap is None else cap
        fresh = new_token(session, old.group, old.round, remaining, actor=actor, reason=reason)
        _change(
            session,
            token_id,
            "token.rotate",
            {"status": "rotated", "replaced_by_id": fresh.id},
            allowed_from=("active", "paused"),
            actor=actor,
            reason=reason,
        )
        return fresh


__all__ = [
    "TokenError",
    "TokenInfo",
    "TokenState",
    "create_token",
    "current_token",
    "display_token",
    "generate_token",
    "lookup",
    "lookup_by_id",
    "new_token",
    "normalise_typed",
    "pause_token",
    "resume_token",
    "revoke_token",
    "rotate_token",
    "set_cap",
    "survey_url",
]
