"""What the signed-in user may reach, found in one place for every view.

Every staff view that takes an id asks the lookup of its kind here: `round_or_404`,
`group_or_404`, `token_or_404`, `response_or_404`, `scoped_or_404` (any object with a
``ward_id``, e.g. a poster job). Every page that needs "the round to show" asks
`current_round`. Ward boundaries are the permissions table's (`can_access_ward`): an object
of another ward answers 404, exactly like an id that does not exist, so ids are never
confirmed to exist. A permission refusal (the role may not do this at all, or only for its
own group) stays a 403 and comes first. (The audit history resolves its entities' wards in
`workspace/round_views.py`, with the same rule.)
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import select

from survey_app.accounts.auth import current_user, require_group
from survey_app.core.db import get_session
from survey_app.core.permissions import can_access_ward
from survey_app.core.security import MAX_ID
from survey_app.models import AssessmentRound, PosterToken, ResidentialGroup, Response, User

T = TypeVar("T")


def me() -> User:
    """The signed-in user (the route's decorator has already required one)."""
    user = current_user()
    if user is None:  # pragma: no cover - login_required runs first
        abort(401)
    return user


def _get(model: type[T], object_id: int) -> T | None:
    return get_session().get(model, object_id) if 0 < object_id <= MAX_ID else None


def scoped_or_404(found: T | None, ward_id: int | None = None) -> T:
    """``found`` when it exists and its ward (``ward_id``, else its ``ward_id`` attribute) is
    one the signed-in user works on; 404 otherwise (another ward's object is not confirmed)."""
    if found is None:
        abort(404)
    ward = ward_id if ward_id is not None else getattr(found, "ward_id", None)
    if not can_access_ward(me(), ward):
        abort(404)
    return found


def round_or_404(round_id: int) -> AssessmentRound:
    """The round, if it exists and belongs to the signed-in user's ward (else 404)."""
    return scoped_or_404(_get(AssessmentRound, round_id))


def group_or_404(group_id: int, round_: AssessmentRound | None = None) -> ResidentialGroup:
    """A residential group of the user's ward (and of ``round_``'s ward when given), else 404.

    An account limited to its own group gets 403 for any other id, before anything is looked
    up (so that refusal says nothing about which ids exist).
    """
    require_group(me(), group_id)
    group = scoped_or_404(_get(ResidentialGroup, group_id))
    if round_ is not None and group.ward_id != round_.ward_id:
        abort(404)
    return group


def token_or_404(token_id: int, round_: AssessmentRound) -> PosterToken:
    """A poster token of ``round_`` (a round the user may see), else 404."""
    token = _get(PosterToken, token_id)
    if token is None or token.round_id != round_.id:
        abort(404)
    return token


def response_or_404(response_id: int, round_: AssessmentRound) -> Response:
    """A survey response of ``round_`` (a round the user may see), else 404."""
    found = _get(Response, response_id)
    if found is None or found.round_id != round_.id:
        abort(404)
    return found


def rounds_of(user: User, ward_id: int | None = None) -> list[AssessmentRound]:
    """The rounds ``user`` may see (of ``ward_id`` when given), open ones first, newest first."""
    query = select(AssessmentRound).order_by(
        (AssessmentRound.status == "open").desc(),
        AssessmentRound.period_start.desc(),
        AssessmentRound.id.desc(),
    )
    ward = ward_id if ward_id is not None else user.ward_id
    if ward is not None:
        query = query.where(AssessmentRound.ward_id == ward)
    return list(get_session().scalars(query))


def current_round(
    user: User, wanted: str | None = None, *, ward_id: int | None = None
) -> AssessmentRound | None:
    """The round a page shows: ``wanted`` (a ``?round=`` id) if the user may see it, else the
    newest open round of their ward, else their newest round; None when there is none.

    A ``wanted`` id that is not a number is a 400; one of another ward or unknown is a 404.
    """
    if wanted:
        if not wanted.isdigit():
            abort(400)
        round_ = round_or_404(int(wanted))
        if ward_id is not None and round_.ward_id != ward_id:
            abort(404)
        return round_
    found = rounds_of(user, ward_id)
    return found[0] if found else None
