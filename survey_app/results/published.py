"""Which results are public: a ward by its code and the round whose survey results it shows."""

from __future__ import annotations

from flask import abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.core.db import get_session
from survey_app.models import AssessmentRound, Ward

CODE_MAX = 64  # a ward code is at most this long (survey_app.admin.setup.CODE_PATTERN)


def ward_by_code(session: Session, code: str) -> Ward | None:
    """The ward with this public code, or None."""
    if len(code) > CODE_MAX:
        return None
    return session.execute(select(Ward).where(Ward.code == code)).scalar()


def public_ward_or_404(code: str) -> Ward:
    """The ward a public URL names, or a 404 (the public results and the posting pages)."""
    ward = ward_by_code(get_session(), code)
    if ward is None:
        abort(404)
    return ward


def published_round(
    session: Session, ward: Ward, wanted: str = ""
) -> tuple[AssessmentRound | None, bool]:
    """(the round whose results are public, whether an open round is still collecting).

    ``wanted`` (a round id from a closed poster's QR) picks that round when it is closed;
    otherwise the latest closed round of the ward.
    """
    rounds = (
        session.execute(
            select(AssessmentRound)
            .where(AssessmentRound.ward_id == ward.id)
            .order_by(AssessmentRound.period_end.desc(), AssessmentRound.id.desc())
        )
        .scalars()
        .all()
    )
    closed = [r for r in rounds if r.status == "closed"]
    chosen = next((r for r in closed if wanted.isdigit() and r.id == int(wanted)), None)
    return chosen or (closed[0] if closed else None), any(r.is_open for r in rounds)


def results_url(
    session: Session, ward_id: int | None, group_id: int | None, round_id: int | None
) -> str | None:
    """Where a closed round's poster QR code leads: that group's public results page."""
    ward = session.get(Ward, ward_id) if ward_id else None
    if ward is None or group_id is None:
        return None
    args = {"round": round_id} if round_id else {}
    return url_for("results.group", ward_code=ward.code, group_id=group_id, **args)
