"""Vietnam time: every date shown, printed or compared with "today" is in Asia/Ho_Chi_Minh.

Stored times stay UTC (naive UTC datetimes in the database); these helpers convert at the edge.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

TIMEZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def now_vn() -> dt.datetime:
    """The current time in Vietnam (aware)."""
    return dt.datetime.now(TIMEZONE)


def today_vn() -> dt.date:
    """Today's date in Vietnam (a UTC evening is already tomorrow there)."""
    return now_vn().date()


def to_vn(moment: dt.datetime) -> dt.datetime:
    """A stored time (naive = UTC, or aware) in Vietnam time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(TIMEZONE)
