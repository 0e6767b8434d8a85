"""Submitting a criterion-13 questionnaire: one use case, one transaction.

`submit_response` checks the poster token, takes one unit of the poster's cap with a
conditional UPDATE (so the cap holds across workers and servers), flags what looks wrong
without dropping it, stores only what QUALITY.md allows, and keeps the answer counters
current, all in one write transaction. A one-time key makes retries and double taps
idempotent. Every threshold comes from the instrument file.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment import Instrument
from survey_app.accounts import ratelimit
from survey_app.core.db import write_transaction
from survey_app.core.lifecycle import FROZEN_STAGES
from survey_app.models import (
    Answer,
    AnswerCount,
    AssessmentRound,
    BrowserMark,
    PosterToken,
    RoundWorkflow,
)
from survey_app.models import Response as ResponseRow
from survey_app.survey import tokens
from survey_app.survey.flag_policy import FlagPolicy, load_policy
from survey_app.survey.submission import (
    BROWSER_COOKIE,
    BROWSER_COOKIE_MAX_AGE,
    InvalidSubmission,
    Submission,
    SubmitRefused,
    SubmitResult,
    browser_hash,
    check_submission,
    coarse_duration,
    is_speeder,
    is_straightline,
    local_day,
    mask_comment,
    new_browser_id,
    new_submission_key,
    utcnow,
)
from survey_app.survey.tokens import TokenState

# Paper questionnaires are typed in by accountable staff: they are not limited by the
# poster's cap or a pause (those guard the public QR link), only by the round being open.
PAPER_STATES = frozenset({TokenState.ACTIVE, TokenState.PAUSED, TokenState.CAPPED})


def find_by_key(session: Session, key: str) -> ResponseRow | None:
    """The response stored under a one-time key, if any."""
    return session.execute(
        select(ResponseRow).where(ResponseRow.submission_key == key)
    ).scalar_one_or_none()


def _stored_under(session: Session, key: str) -> SubmitResult | None:
    """The result already stored under a one-time key (a retry or a double tap), if any."""
    found = session.execute(
        select(ResponseRow.id, ResponseRow.audience).where(ResponseRow.submission_key == key)
    ).first()
    return None if found is None else SubmitResult(found.id, found.audience, duplicate=True)


def _frozen(round_id: Any) -> Any:
    """EXISTS: the round's figures are frozen (locked or later), whatever its survey says."""
    flow = RoundWorkflow.__table__
    return exists().where(flow.c.round_id == round_id, flow.c.stage.in_(FROZEN_STAGES))


@functools.cache
def _statements(dialect: str) -> dict[str, Any]:
    """The write statements of a submission, built once per dialect so SQLAlchemy's compiled
    cache serves every later post (multi-row VALUES would compile anew each time)."""
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    counts = upsert(AnswerCount)
    counts = counts.on_conflict_do_update(
        index_elements=["round_id", "group_id", "audience", "question_id", "value", "flagged"],
        set_={"n": AnswerCount.n + counts.excluded.n},
    )
    marks = upsert(BrowserMark)
    marks = marks.on_conflict_do_update(
        index_elements=["round_id", "browser_hash"], set_={"count": BrowserMark.count + 1}
    ).returning(BrowserMark.count)
    token, round_ = PosterToken.__table__, AssessmentRound.__table__

    def take_if(*statuses: str):
        return (
            update(token)
            .where(
                token.c.id == bindparam("token_id"),
                token.c.status.in_(statuses),
                token.c.used < token.c.cap,
                exists().where(and_(round_.c.id == token.c.round_id, round_.c.status == "open")),
                ~_frozen(token.c.round_id),
            )
            .values(used=token.c.used + 1)
        )

    return {
        "take": take_if("active"),
        "take_started": take_if("active", "paused"),
        "response": insert(ResponseRow.__table__).returning(ResponseRow.__table__.c.id),
        "answers": insert(Answer.__table__),
        "counts": counts,
        "marks": marks,
    }


# ----------------------------------------------------------------------------- the use case


def submit_response(
    session: Session,
    submission: Submission,
    *,
    instrument: Instrument,
    secret: str,
    now: dt.datetime | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
    info: tokens.TokenInfo | None = None,
) -> SubmitResult:
    """Store one questionnaire, or refuse it with nothing written.

    Returns the stored response (``duplicate=True`` when the one-time key was already used:
    a retry or double tap gets the same result and never a second row). Raises
    InvalidSubmission when the answers do not fit the instrument, and SubmitRefused when the
    token cannot take answers (paused, rotated, revoked, closed round, cap reached, unknown)
    or the client is over its rate limit.

    Everything that can be decided without the write lock (validation, the token's state,
    the flags that depend only on the answers, masking) is done before it; inside the lock
    a handful of single Core statements run, so concurrent posts queue for milliseconds.
    ``info`` is the token's state when the caller has just looked it up (the lock re-checks
    what matters: status, cap and round). A repeated key is caught by the unique constraint,
    which rolls the whole transaction back (cap unit and counters included).
    """
    check_submission(instrument, submission)
    now = now or utcnow()
    if info is None or info.token_id != submission.token_id:
        info = tokens.lookup_by_id(session, submission.token_id)
    if not (
        info.usable
        or (submission.channel == "paper" and info.state in PAPER_STATES)
        or _paused_mid_answer(submission, info)
    ):
        raise SubmitRefused(info.state.value, info)
    if info.instrument_version != instrument.version:
        raise SubmitRefused(TokenState.CLOSED.value, info)
    draft = _draft(submission, info, instrument, secret, now, timezone)

    refusal: SubmitRefused | None = None
    try:
        with write_transaction(session):
            conn = session.connection()
            refusal = _take_unit(session, conn, submission, instrument, secret)
            result = None if refusal else _store(conn, draft, instrument)
    except IntegrityError:
        # Two posts with the same key raced past the check: the unique constraint let one
        # through and rolled the other back whole (cap unit and counters included).
        session.rollback()
        stored = _stored_under(session, submission.submission_key)
        if stored is None:
            raise
        return stored
    if refusal is not None:
        raise refusal
    assert result is not None
    return result


@dataclass(frozen=True, slots=True)
class _Draft:
    """A response ready to insert, with what still needs the lock (burst, repeat browser)."""

    row: dict
    answers: dict[str, int]
    flags: dict[str, bool]
    burst_key: str
    browser_digest: str | None
    household: bool = False


def _draft(
    submission: Submission,
    info: tokens.TokenInfo,
    instrument: Instrument,
    secret: str,
    now: dt.datetime,
    timezone: str,
) -> _Draft:
    """Everything of the row that needs no lock: ids from the token, masking, early flags."""
    rules = instrument.integrity
    seconds = (now - submission.started_at).total_seconds() if submission.started_at else None
    answers = {q: int(v) for q, v in submission.answers.items()}
    flags = timing_flags(seconds, instrument, submission.audience, submission.lang, load_policy())
    flags["straightline"] = is_straightline(answers, rules.straightline_min_questions)
    row = {
        "round_id": info.round_id,
        "group_id": info.group_id,
        "token_id": submission.token_id,
        "instrument_version": instrument.version,
        "audience": submission.audience,
        "age_band": submission.age_band,
        "gender": submission.gender,
        "channel": submission.channel,
        "comment": mask_comment(submission.comment, rules.comment_max_chars),
        "duration_s": coarse_duration(
            seconds, rules.duration_bucket_seconds, rules.duration_cap_seconds
        ),
        "day": local_day(now, timezone),
        "review": "pending",
        "submission_key": submission.submission_key,
    }
    # The burst window index is part of the key so that answers replayed with their own
    # `now` (demo data, imports) count in their own window, not in today's.
    window = rules.burst_window_minutes * 60
    index = int(now.replace(tzinfo=dt.UTC).timestamp() // window)
    digest = browser_hash(secret, submission.browser_id) if submission.browser_id else None
    return _Draft(
        row, answers, flags, f"burst:{submission.token_id}:{index}", digest, submission.household
    )


def timing_flags(
    seconds: float | None, instrument: Instrument, audience: str, lang: str, policy: FlagPolicy
) -> dict[str, bool]:
    """ "impossible" below the policy's share of the speeder minimum, else maybe "speeder"."""
    minimum = instrument.speeder_seconds(audience, lang)
    impossible = seconds is not None and seconds < policy.impossible_share * minimum
    speeder = not impossible and is_speeder(seconds, instrument, audience, lang)
    return {"speeder": speeder, "impossible": impossible}


def _take_unit(
    session: Session,
    conn: Connection,
    submission: Submission,
    instrument: Instrument,
    secret: str,
) -> SubmitRefused | None:
    """Check the rate limit and take one unit of the cap; a refusal commits only the count."""
    rules = instrument.integrity
    if submission.client_address is not None:
        key = ratelimit.client_key(secret, submission.client_address, "survey")
        window = rules.client_window_minutes * 60
        if not ratelimit.hit(conn, key, limit=rules.client_posts_per_window, window_s=window):
            return SubmitRefused("rate_limited")
    if submission.channel == "paper":
        return _round_still_open(session, submission)
    # The cap is decided by this conditional UPDATE alone: of N concurrent posts exactly
    # cap - used see rowcount 1, on every backend and across processes. It re-checks the
    # token's state and the round under the lock, since both may have changed since the
    # lookup made before it.
    which = "take_started" if submission.started_before_pause else "take"
    taken = conn.execute(_statements(conn.dialect.name)[which], {"token_id": submission.token_id})
    taken = taken.rowcount
    if taken != 1:
        session.expire_all()
        again = tokens.lookup_by_id(session, submission.token_id)
        state = again.state if not again.usable else TokenState.CAPPED
        return SubmitRefused(state.value, again)
    return None


def _paused_mid_answer(submission: Submission, info: tokens.TokenInfo) -> bool:
    """A QR answer whose questions page was shown before the poster was paused."""
    return (
        submission.channel == "qr"
        and submission.started_before_pause
        and info.state is TokenState.PAUSED
    )


def _round_still_open(session: Session, submission: Submission) -> SubmitRefused | None:
    """Paper answers skip the poster's cap and pause, but never reach a closed or locked round."""
    status = session.execute(
        select(AssessmentRound.status)
        .join(PosterToken, PosterToken.round_id == AssessmentRound.id)
        .where(PosterToken.id == submission.token_id, ~_frozen(AssessmentRound.id))
    ).scalar_one_or_none()
    if status != "open":
        return SubmitRefused(
            TokenState.CLOSED.value, tokens.lookup_by_id(session, submission.token_id)
        )
    return None


def _store(conn: Connection, draft: _Draft, instrument: Instrument) -> SubmitResult:
    """Insert the response, its answers and the counters (inside the caller's transaction)."""
    rules = instrument.integrity
    row = dict(draft.row)
    window = rules.burst_window_minutes * 60
    flags = dict(draft.flags)
    # Staff type a stack of paper forms in one sitting: a burst says nothing there.
    flags["burst"] = row["channel"] != "paper" and not ratelimit.hit(
        conn, draft.burst_key, limit=rules.burst_max_answers, window_s=window
    )
    before = _browser_answers_before(conn, row["round_id"], draft.browser_digest)
    repeat, source_burst = browser_flags(before, draft.household, instrument, load_policy())
    flags["repeat"], flags["burst"] = repeat, flags["burst"] or source_burst
    decision = load_policy().decide(flags)
    row.update({f"flag_{name}": value for name, value in flags.items()})
    row["held"] = decision.held
    # Plain Core on the session's connection, not the ORM unit of work: this runs under the
    # write lock, so every statement is a cached one.
    statements = _statements(conn.dialect.name)
    response_id = conn.execute(statements["response"], row).scalar_one()
    conn.execute(
        statements["answers"],
        [
            {"response_id": response_id, "question_id": q, "value": v}
            for q, v in draft.answers.items()
        ],
    )
    # A new response awaits review, so it counts as flagged exactly when the policy held it.
    flagged = decision.held
    conn.execute(
        statements["counts"],
        [
            {
                "round_id": row["round_id"],
                "group_id": row["group_id"],
                "audience": row["audience"],
                "question_id": question,
                "value": value,
                "flagged": flagged,
                "n": 1,
            }
            for question, value in draft.answers.items()
        ],
    )
    return SubmitResult(
        response_id,
        row["audience"],
        duplicate=False,
        flags=decision.marks,
        held=decision.held,
    )


def _browser_answers_before(conn: Connection, round_id: int, digest: str | None) -> int:
    """Count this browser's answer in the round; how many it had given before (0: none)."""
    if not digest:
        return 0
    count = conn.execute(
        _statements(conn.dialect.name)["marks"],
        {"round_id": round_id, "browser_hash": digest, "count": 1},
    ).scalar_one()
    return int(count) - 1


def browser_flags(
    before: int, household: bool, instrument: Instrument, policy: FlagPolicy
) -> tuple[bool, bool]:
    """(repeat, burst from this one browser) for a browser that answered ``before`` times.

    Repeat is weak and waived for a household member who came through the thank-you page's
    "another person" link (up to the policy's household size); a browser answering more often
    than any household is a burst from one source, link or not.
    """
    repeat = before >= instrument.integrity.repeat_browser_after
    if household and before < policy.household_max:
        repeat = False
    return repeat, before >= policy.source_strong_after


__all__ = [
    "BROWSER_COOKIE",
    "BROWSER_COOKIE_MAX_AGE",
    "InvalidSubmission",
    "Submission",
    "SubmitRefused",
    "SubmitResult",
    "browser_hash",
    "check_submission",
    "coarse_duration",
    "find_by_key",
    "is_speeder",
    "is_straightline",
    "local_day",
    "mask_comment",
    "new_browser_id",
    "new_submission_key",
    "submit_response",
]
