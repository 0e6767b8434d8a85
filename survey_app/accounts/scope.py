"""What the signed-in user may reach: their ward's rounds, found in one place for every view.

Every staff view that takes a round id asks `round_or_404`; every page that needs "the round
to show" asks `current_round`. Ward boundaries are applied here and in `auth.can_access_ward`
only, so a new page cannot forget them.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from survey_app.accounts.auth import current_user, require_same_ward
from survey_app.core.db import get_session
from survey_app.core.security import MAX_ID
from survey_app.models import AssessmentRound, User


def me() -> User:
    """The signed-in user (the route's decorator has already required one)."""
    user = current_user()
    if user is None:  # pragma: no cover - login_required runs first
        abort(401)
    return user


def round_or_404(round_id: int) -> AssessmentRound:
    """The round, if it exists and belongs to the signed-in user's ward (else 404 / 403)."""
    round_ = get_session().get(AssessmentRound, round_id) if 0 < round_id <= MAX_ID else None
    if round_ is None:
        abort(404)
    require_same_ward(me(), round_.ward_id)
    return round_


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
