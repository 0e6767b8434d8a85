"""Paper questionnaires typed in by staff: the same use case as a phone answer, marked "paper".

A paper answer goes through `survey.submit_response` with ``channel="paper"``, so it meets the
same validation, the same one-time key (a double submit stores one row) and the same counters;
the group comes from the group's live poster token, never from a free field. The poster's cap
and pause guard the public link, so they do not stop staff typing in paper forms; a closed
round does. No client address (no rate limit: staff are signed in) and no browser
cookie (the repeat-browser flag is about phones, not the office PC).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment import Instrument
from survey_app.models import Response
from survey_app.survey import submit as survey
from survey_app.survey import tokens
from survey_app.survey.submit import SubmitRefused, SubmitResult
from survey_app.survey.tokens import TokenState


def enter_paper_form(
    session: Session,
    *,
    group_id: int,
    round_id: int,
    audience: str,
    age_band: str,
    gender: str | None,
    answers: Mapping[str, int],
    key: str,
    instrument: Instrument,
    secret: str,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> SubmitResult:
    """Use case: store one paper questionnaire of a group (one transaction, idempotent by key).

    Raises survey.InvalidSubmission for answers that do not fit the instrument and
    SubmitRefused when the group has no usable token (none, paused, cap reached, closed).
    """
    token = tokens.current_token(session, group_id, round_id)
    if token is None:
        raise SubmitRefused(TokenState.UNKNOWN.value)
    return survey.submit_response(
        session,
        survey.Submission(
            token_id=token.id,
            audience=audience,
            age_band=age_band,
            gender=gender or None,
            answers=dict(answers),
            submission_key=key,
            lang="vi",
            channel="paper",
            client_address=None,
        ),
        instrument=instrument,
        secret=secret,
        timezone=timezone,
    )


def paper_count(session: Session, round_id: int, group_id: int) -> int:
    """How many paper questionnaires of this group are stored in the round."""
    return (
        session.scalar(
            select(func.count(Response.id)).where(
                Response.round_id == round_id,
                Response.group_id == group_id,
                Response.channel == "paper",
            )
        )
        or 0
    )


__all__ = ["enter_paper_form", "paper_count"]
