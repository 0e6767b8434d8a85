"""The procedure's own rules on the workflow: posting period, dates, verdict, provisional rows.

What the workflow steps check besides their order: a posting at least as long as the rule
version's minimum (`RuleSet.posting_min_days`, or the documented fallback of
survey_app/data/procedure.toml) that starts neither before the day of the lock nor further
ahead than that file allows, no send or decision date after today in Vietnam, no
request for recognition nor "recognised" decision for a round below the threshold, and no
send while the locked score used provisional rule rows unless an administrator allowed it.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from typing import Any
from zoneinfo import ZoneInfo

from assessment import RuleSet
from survey_app.core import lifecycle
from survey_app.core.i18n import _
from survey_app.core.paths import DATA
from survey_app.models import LockedScore, RoundWorkflow
from survey_app.workspace.criteria import WorkspaceError, lang

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

with (DATA / "procedure.toml").open("rb") as _handle:
    _POSTING = tomllib.load(_handle)["posting"]
DEFAULT_POSTING_MIN_DAYS = int(_POSTING["default_min_days"])
POSTING_MAX_START_DAYS_AHEAD = int(_POSTING["max_start_days_ahead"])


def today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Vietnam (``now`` is an aware or naive-UTC instant, for tests)."""
    instant = now or dt.datetime.now(dt.UTC)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(VIETNAM).date()


def local_time(stamp: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time as Vietnam time, for display."""
    if stamp is None:
        return None
    return stamp.replace(tzinfo=dt.UTC).astimezone(VIETNAM)


def posting_min_days(rules: RuleSet) -> int:
    """The minimum posting period of the rule version, or the documented fallback."""
    stated = rules.posting_min_days
    return stated if stated is not None else DEFAULT_POSTING_MIN_DAYS


def check_posting(rules: RuleSet, days: int) -> None:
    """Refuse a posting shorter than the minimum (422 on the days field)."""
    minimum = posting_min_days(rules)
    if days < minimum:
        raise WorkspaceError(
            _(
                "Thời gian công khai phải ít nhất %(n)d ngày (bộ tiêu chí %(rules)s).",
                n=minimum,
                rules=rules.version,
            ),
            errors={"days": ""},
        )


def check_posting_start(
    start: dt.date, locked_at: dt.datetime, *, now: dt.datetime | None = None
) -> None:
    """Refuse a posting that starts before the day the result was locked, or further ahead of
    today than survey_app/data/procedure.toml allows (Vietnam dates; 422 on the start field).

    A posting dated before the lock would count days when nothing was posted: its period
    could be over when it is recorded, and no resident could ever comment on it.
    """
    locked_on = today(locked_at)
    if start < locked_on:
        raise WorkspaceError(
            _(
                "Ngày bắt đầu công khai (%(day)s) không được trước ngày khóa kết quả "
                "(%(locked)s): chỉ công khai kết quả đã khóa.",
                day=start.strftime("%d/%m/%Y"),
                locked=locked_on.strftime("%d/%m/%Y"),
            ),
            errors={"start": ""},
        )
    latest = today(now) + dt.timedelta(days=POSTING_MAX_START_DAYS_AHEAD)
    if start > latest:
        raise WorkspaceError(
            _(
                "Ngày bắt đầu công khai (%(day)s) quá xa: chỉ ghi nhận việc công khai bắt đầu "
                "trong vòng %(n)d ngày tới (muộn nhất ngày %(latest)s).",
                day=start.strftime("%d/%m/%Y"),
                n=POSTING_MAX_START_DAYS_AHEAD,
                latest=latest.strftime("%d/%m/%Y"),
            ),
            errors={"start": ""},
        )


def check_not_future(day: dt.date, field: str, *, now: dt.datetime | None = None) -> None:
    """Refuse a recorded date after today in Vietnam (422 on ``field``)."""
    if day > today(now):
        raise WorkspaceError(
            _(
                "Ngày %(day)s chưa tới: chỉ ghi nhận việc đã diễn ra (hôm nay là %(today)s).",
                day=day.strftime("%d/%m/%Y"),
                today=today(now).strftime("%d/%m/%Y"),
            ),
            errors={field: ""},
        )


def scorecard(lock: LockedScore) -> dict[str, Any]:
    """The locked scorecard as stored (total, threshold, verdict, provisional rows …)."""
    return json.loads(lock.scorecard_json)


def provisional_rows(lock: LockedScore) -> list[dict[str, str]]:
    """The provisional rule rows the locked score used (empty when fully verified)."""
    return list(scorecard(lock).get("provisional") or ())


def below_threshold(lock: LockedScore) -> str:
    """Why the locked round is not recognised ("" when it is)."""
    if lock.recognised:
        return ""
    card = scorecard(lock)
    return _(
        "Kết quả đã khóa là %(total)d điểm, chưa đạt chuẩn (ngưỡng %(threshold)d điểm và các "
        "điều kiện khác).",
        total=lock.total,
        threshold=card.get("threshold", 0),
    )


def needs_override(lock: LockedScore | None, flow: RoundWorkflow | None) -> bool:
    """True when the locked score used provisional rows and nobody has allowed sending yet."""
    allowed = flow is not None and bool(flow.provisional_override_reason)
    return lock is not None and bool(provisional_rows(lock)) and not allowed


def check_sendable(lock: LockedScore | None, flow: RoundWorkflow) -> None:
    """Refuse sending a failing round, or one scored with provisional rows not allowed (409)."""
    assert lock is not None  # stage "posted" implies a lock
    why = below_threshold(lock)
    if why:
        raise WorkspaceError(
            why + " " + _("Không gửi hồ sơ đề nghị công nhận cho đợt chưa đạt chuẩn."), status=409
        )
    if needs_override(lock, flow):
        raise WorkspaceError(
            _(
                "Chưa gửi được: điểm đã khóa dùng %(n)d dòng tiêu chí tạm tính của bộ tiêu chí "
                "%(rules)s. Cần bộ tiêu chí đã đối chiếu đầy đủ, hoặc quản trị viên “%(step)s” "
                "(ghi rõ lý do).",
                n=len(provisional_rows(lock)),
                rules=lock.rule_version,
                step=lifecycle.transition("allow_provisional").title(lang()),
            ),
            status=409,
        )


__all__ = [
    "DEFAULT_POSTING_MIN_DAYS",
    "POSTING_MAX_START_DAYS_AHEAD",
    "below_threshold",
    "check_not_future",
    "check_posting",
    "check_posting_start",
    "check_sendable",
    "local_time",
    "needs_override",
    "posting_min_days",
    "provisional_rows",
    "scorecard",
    "today",
]
