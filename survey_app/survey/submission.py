"""What a submission is, and the pure checks made on it before anything is stored.

The data types of the submit use case (`Submission`, `SubmitResult`, its two refusals), the
one-time key and browser cookie, coarse durations and the flags that depend
on the answers alone (comments are masked by `survey_app.results.masking`). No database:
`survey_app.survey.submit` stores what passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field

from assessment import Instrument
from survey_app.results.masking import mask_comment as mask_comment  # re-exported for submit
from survey_app.survey import tokens

BROWSER_COOKIE = "cfw_b"
BROWSER_COOKIE_MAX_AGE = 365 * 24 * 3600  # one year: spans a whole assessment round
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class SubmitRefused(Exception):
    """The submission was not stored; ``reason`` is a TokenState value or "rate_limited"."""

    def __init__(self, reason: str, info: tokens.TokenInfo | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.info = info


class InvalidSubmission(ValueError):
    """The answers do not fit the instrument; ``problems`` lists what is wrong (ids)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Submission:
    """One questionnaire as a respondent sent it (already validated by the form).

    ``browser_id`` is the raw value of the first-party cookie (hashed before storage);
    ``client_address`` is used in memory only, for the per-client rate limit (None: no limit,
    e.g. the command line). ``started_at`` is when the questions page was shown.
    """

    token_id: int
    audience: str
    age_band: str
    gender: str | None
    answers: Mapping[str, int]
    submission_key: str
    lang: str = "vi"
    comment: str | None = None
    started_at: dt.datetime | None = None
    browser_id: str | None = None
    client_address: str | None = None
    channel: str = "qr"
    # Started from the thank-you page's "another person" link: the next member of a household
    # on the same phone starts fresh (no repeat-browser signal, up to the policy's limit).
    household: bool = False
    # The questions page was shown while the poster was active: a pause in between does not
    # throw the answer away (the cap and the round still hold).
    started_before_pause: bool = False


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What happened: the stored (or already stored) response and its flags."""

    response_id: int
    audience: str
    duplicate: bool
    flags: tuple[str, ...] = field(default_factory=tuple)
    held: bool = False  # held out of the official figures until reviewed (flag policy)


# ----------------------------------------------------------------------------- helpers


def utcnow() -> dt.datetime:
    """Now, in UTC, naive (how the database stores times)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_submission_key() -> str:
    """A one-time key for a questionnaire page (put in a hidden field when it is rendered)."""
    return secrets.token_urlsafe(24)


def new_browser_id() -> str:
    """The random value of the first-party browser cookie (not derived from the device)."""
    return secrets.token_urlsafe(18)


def browser_hash(secret: str, browser_id: str) -> str:
    """What is stored of the browser cookie: an HMAC, never the value itself."""
    return hmac.new(secret.encode(), f"browser:{browser_id}".encode(), hashlib.sha256).hexdigest()


def coarse_duration(seconds: float | None, bucket_s: int, cap_s: int) -> int | None:
    """Time taken, rounded down to a bucket and capped: enough for review, not a timestamp."""
    if seconds is None or seconds < 0:
        return None
    return min(int(seconds) // bucket_s * bucket_s, cap_s)


def is_speeder(seconds: float | None, instrument: Instrument, audience: str, lang: str) -> bool:
    """True when the questionnaire was answered faster than a human can read it."""
    if seconds is None:
        return False
    return seconds < instrument.speeder_seconds(audience, lang)


def is_straightline(answers: Mapping[str, int], min_questions: int) -> bool:
    """True when every answer is the same across at least ``min_questions`` questions."""
    return len(answers) >= min_questions and len(set(answers.values())) == 1


def local_day(now: dt.datetime, timezone: str) -> dt.date:
    """The calendar day in the ward's time zone (only the day is stored, never the time)."""
    return now.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(timezone)).date()


def check_submission(instrument: Instrument, submission: Submission) -> None:
    """Raise InvalidSubmission unless every field fits the instrument's allow-lists."""
    problems: list[str] = []
    if submission.audience not in instrument.audience_ids:
        raise InvalidSubmission(["audience"])
    audience = instrument.audience(submission.audience)
    if submission.age_band not in audience.age_band_ids:
        problems.append("age_band")
    if submission.gender is not None and submission.gender not in instrument.gender_ids:
        problems.append("gender")
    expected = set(audience.question_ids)
    given = set(submission.answers)
    problems += [f"missing:{q}" for q in audience.question_ids if q not in given]
    problems += [f"unknown:{q}" for q in sorted(given - expected)]
    allowed = set(instrument.scale_values)
    problems += [
        f"value:{q}"
        for q, v in submission.answers.items()
        if q in expected and (isinstance(v, bool) or v not in allowed)
    ]
    if not isinstance(submission.submission_key, str) or not KEY_PATTERN.match(
        submission.submission_key
    ):
        problems.append("submission_key")
    if problems:
        raise InvalidSubmission(problems)
