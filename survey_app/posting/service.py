"""Public posting (niêm yết công khai) of a locked result: its period, the public page's data,
and residents' comments (the staff's answers: `answers`).

A round is public from the workflow step "post" on (stages posted, sent, decided): the page
shows the locked 13-criterion result exactly as the staff scorecard shows it
(`workspace.scorecard.round_score` reads the locked inputs and rule version), the posting
period in Vietnam dates, and the survey's official figures (`results.dashboard`, built on
THE definition of "counted" in `results.counts`, small cells "<5").

Comments are accepted only while the round is posted and today (in Vietnam) is inside the
period; they are anonymous: contact details masked as in the survey's comments, the client
address used in memory only for the per-source rate limit. Limits are survey_app/data/
posting.toml. A refused comment stores nothing but the rate-limit count (as a refused survey
answer does).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.accounts import ratelimit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.core.paths import DATA
from survey_app.core.security import MAX_ID
from survey_app.models import AssessmentRound, PostingFeedback, RoundWorkflow, Ward
from survey_app.results.dashboard import build_dashboard
from survey_app.results.figures import Comparison, Dashboard
from survey_app.results.masking import PEOPLE, mask_comment
from survey_app.workspace import workflow
from survey_app.workspace.procedure import today
from survey_app.workspace.scorecard import RoundScore, round_score

with (DATA / "posting.toml").open("rb") as _handle:
    LIMITS: dict[str, int] = {k: int(v) for k, v in tomllib.load(_handle)["feedback"].items()}

PUBLIC_FROM = "posted"  # the first stage whose result is public


class PostingError(Exception):
    """A refused comment or answer: ``status`` (4xx) and a message saying why, in the user's
    language; ``field`` names the form field at fault ("" when none)."""

    def __init__(self, message: str, status: int = 409, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.field = field


@dataclass(frozen=True, slots=True)
class Period:
    """The posting period: first and last day (both included), Vietnam dates."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many days the result is posted."""
        return (self.end - self.start).days + 1

    def state(self, day: dt.date) -> str:
        """ "before", "open" or "ended" on ``day``."""
        if day < self.start:
            return "before"
        return "open" if day <= self.end else "ended"


def period_of(flow: RoundWorkflow | None) -> Period | None:
    """The recorded posting period of a round's workflow row (None before the step "post").

    The workflow lets the dossier go from start + days on, so the last day is the day before.
    """
    if flow is None or flow.posting_start is None or not flow.posting_days:
        return None
    return Period(flow.posting_start, flow.posting_start + dt.timedelta(days=flow.posting_days - 1))


def period_of_round(session: Session, round_: AssessmentRound) -> Period | None:
    """The round's recorded posting period (None before the step "post" or after reopening)."""
    return period_of(workflow.workflow(session, round_.id))


def is_public(session: Session, round_: AssessmentRound) -> bool:
    """True when the round's result has been posted publicly (and not reopened since)."""
    if not workflow.stage_at_least(workflow.stage(session, round_.id), PUBLIC_FROM):
        return False
    return period_of_round(session, round_) is not None


def public_round_by_id(session: Session, round_id: int) -> AssessmentRound | None:
    """The round ``round_id`` when its result is public, else None."""
    found = session.get(AssessmentRound, round_id) if 0 < round_id <= MAX_ID else None
    return found if found is not None and is_public(session, found) else None


def public_round(session: Session, ward: Ward, round_id: int) -> AssessmentRound | None:
    """The round ``round_id`` of ``ward`` when its result is public, else None."""
    found = public_round_by_id(session, round_id)
    return found if found is not None and found.ward_id == ward.id else None


def latest_public_round(session: Session, ward: Ward) -> AssessmentRound | None:
    """The ward's newest round whose result is public (None when none is)."""
    rounds = session.scalars(
        select(AssessmentRound)
        .join(RoundWorkflow, RoundWorkflow.round_id == AssessmentRound.id)
        .where(AssessmentRound.ward_id == ward.id, RoundWorkflow.posting_start.is_not(None))
        .order_by(RoundWorkflow.posting_start.desc(), AssessmentRound.id.desc())
    ).all()
    return next((r for r in rounds if is_public(session, r)), None)


@dataclass(frozen=True, slots=True)
class PostingPage:
    """What the public posting page shows (plain values for the template)."""

    round: AssessmentRound
    period: Period
    state: str  # the period's state today: before | open | ended
    accepting: bool  # comments are taken now
    result: RoundScore  # the locked score, as the staff scorecard shows it
    survey: Dashboard
    survey_rows: tuple[Comparison, ...]  # per audience, then criterion 13's official rate


def survey_rows(view: Dashboard) -> tuple[Comparison, ...]:
    """The ward-level rows the public pages show: each audience (unweighted), then the
    official criterion-13 rate (the same rows as the public results page)."""
    return view.comparison[: 2 * len(view.audiences) : 2] + view.comparison[-2:-1]


def posting_page(
    session: Session, round_: AssessmentRound, *, lang: str, now: dt.datetime | None = None
) -> PostingPage:
    """The public page of a posted round (the caller checked `is_public`)."""
    period = period_of_round(session, round_)
    assert period is not None  # is_public
    state = period.state(today(now))
    view = build_dashboard(session, round_.id, lang=lang)
    return PostingPage(
        round=round_,
        period=period,
        state=state,
        accepting=accepting(session, round_, now=now),
        result=round_score(session, round_),
        survey=view,
        survey_rows=survey_rows(view),
    )


def accepting(session: Session, round_: AssessmentRound, *, now: dt.datetime | None = None) -> bool:
    """True while the round is posted and today (Vietnam) is inside its posting period."""
    return closed_reason(session, round_, now) == ""


def closed_reason(session: Session, round_: AssessmentRound, now: dt.datetime | None = None) -> str:
    """Why comments are not taken now ("" when they are)."""
    period = period_of_round(session, round_)
    if period is None or workflow.stage(session, round_.id) != PUBLIC_FROM:
        if period is not None:
            return _("Đã hết thời gian niêm yết (đến hết ngày %(day)s): không nhận thêm góp ý.",
                     day=period.end.strftime("%d/%m/%Y"))  # fmt: skip
        return _("Kết quả của đợt này chưa được niêm yết công khai: chưa nhận góp ý.")
    state = period.state(today(now))
    if state == "before":
        return _("Thời gian niêm yết bắt đầu từ ngày %(day)s: hãy gửi góp ý từ ngày đó.",
                 day=period.start.strftime("%d/%m/%Y"))  # fmt: skip
    if state == "ended":
        return _("Đã hết thời gian niêm yết (đến hết ngày %(day)s): không nhận thêm góp ý.",
                 day=period.end.strftime("%d/%m/%Y"))  # fmt: skip
    return ""


def clean_text(text: str | None) -> str:
    """A comment fit to store, or a `PostingError` (422) saying how long it must be.

    People are masked as in the survey's comments (contacts, names, schools, classes); the
    criterion numbers and places an objection is about stay, or it could not be answered.
    """
    raw = str(text or "")
    if len(raw) > LIMITS["max_chars"]:
        raise PostingError(
            _("Góp ý dài quá: tối đa %(n)d ký tự.", n=LIMITS["max_chars"]), 422, "text"
        )
    masked = mask_comment(raw, LIMITS["max_chars"], PEOPLE) or ""
    if len(masked) < LIMITS["min_chars"]:
        raise PostingError(
            _("Hãy viết góp ý ít nhất %(n)d ký tự.", n=LIMITS["min_chars"]), 422, "text"
        )
    return masked


def submit_feedback(
    session: Session,
    round_id: int,
    text: str | None,
    *,
    client_address: str | None,
    secret: str,
    now: dt.datetime | None = None,
) -> PostingFeedback:
    """Use case: store a resident's comment on a posted round (one transaction).

    Refused with a `PostingError`: 409 outside the posting period, 422 for a text too short or
    too long, 429 over the per-source limit or the round's daily ceiling. Nothing is stored on
    a refusal except the rate-limit counts (so retries keep counting). ``client_address`` is
    used in memory only, as a daily-rotating HMAC; None (the command line, tests) skips the
    per-source limit.
    """
    refusal: PostingError | None = None
    with write_transaction(session):
        round_ = session.get(AssessmentRound, round_id)
        if round_ is None:
            raise PostingError(_("Không có đợt đánh giá này."), 404)
        closed = closed_reason(session, round_, now)
        if closed:
            raise PostingError(closed, 409)
        body = clean_text(text)
        refusal = _rate_limited(session, round_id, client_address, secret, now)
        if refusal is None:
            moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
            row = PostingFeedback(round_id=round_id, text=body, received_at=moment, status="new")
            session.add(row)
            session.flush()
    if refusal is not None:
        raise refusal  # after the commit: the counts stay, no comment was stored
    return row


def _rate_limited(
    session: Session,
    round_id: int,
    client_address: str | None,
    secret: str,
    now: dt.datetime | None,
) -> PostingError | None:
    """Count this comment against both limits; the refusal when one is exceeded."""
    window, per_client = LIMITS["client_window_minutes"] * 60, LIMITS["client_posts_per_window"]
    if client_address is not None:
        key = ratelimit.client_key(secret, client_address, "posting")
        if not ratelimit.hit(session, key, limit=per_client, window_s=window):
            return PostingError(
                _("Bạn đã gửi nhiều góp ý liên tiếp. Vui lòng đợi khoảng %(n)d phút rồi gửi tiếp.",
                  n=LIMITS["client_window_minutes"]),
                429,
            )  # fmt: skip
    round_key = f"posting-round:{round_id}:{today(now).isoformat()}"
    if not ratelimit.hit(session, round_key, limit=LIMITS["round_posts_per_day"], window_s=86400):
        return PostingError(
            _("Hôm nay hệ thống đã nhận rất nhiều góp ý cho đợt này. Vui lòng gửi lại vào ngày mai "
              "hoặc góp ý trực tiếp tại UBND phường."),
            429,
        )  # fmt: skip
    return None


__all__ = [
    "LIMITS",
    "Period",
    "PostingError",
    "PostingPage",
    "accepting",
    "clean_text",
    "closed_reason",
    "is_public",
    "latest_public_round",
    "period_of",
    "period_of_round",
    "posting_page",
    "public_round",
    "public_round_by_id",
    "submit_feedback",
    "survey_rows",
]
