"""Read the audit log a page at a time, filtered, within one ward (or every ward).

A ward's administrator reads only rows about their ward: every writer stores the ward of the
entity it changed in ``audit_log.ward_id`` (survey_app.audit.log.record), so the scope is that
one column. An administrator without a ward reads every row.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import AuditEntry

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Filters:
    """What the reader asked for; empty strings and None mean "any"."""

    actor: str = ""
    entity: str = ""
    entity_id: str = ""
    action: str = ""
    since: dt.date | None = None  # Vietnam calendar dates, inclusive
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LogPage:
    """One page of rows, newest first, and where it sits among all matching rows."""

    rows: list[AuditEntry]
    total: int
    page: int
    pages: int


def utc_start(day: dt.date) -> dt.datetime:
    """The UTC instant (naive, as stored) at which a Vietnam calendar day starts."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def vietnam_time(at: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time in Vietnam time."""
    return at.replace(tzinfo=dt.UTC).astimezone(VIETNAM)


def _where(ward_id: int | None, all_wards: bool, filters: Filters) -> list:
    conditions = []
    if not all_wards:
        conditions.append(AuditEntry.ward_id == ward_id)
    if filters.actor:
        conditions.append(
            func.lower(AuditEntry.actor_name).contains(filters.actor.lower(), autoescape=True)
        )
    if filters.entity:
        conditions.append(AuditEntry.entity == filters.entity)
    if filters.entity_id:
        conditions.append(AuditEntry.entity_id == filters.entity_id)
    if filters.action:
        conditions.append(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.since:
        conditions.append(AuditEntry.at >= utc_start(filters.since))
    if filters.until:
        conditions.append(AuditEntry.at < utc_start(filters.until + dt.timedelta(days=1)))
    return conditions


def entities(session: Session, ward_id: int | None, all_wards: bool) -> list[str]:
    """The entity kinds present in the reader's rows (for the filter's choices)."""
    query = select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)
    if not all_wards:
        query = query.where(AuditEntry.ward_id == ward_id)
    return list(session.scalars(query))


def log_page(
    session: Session, ward_id: int | None, *, all_wards: bool, filters: Filters, page: int = 1
) -> LogPage:
    """The ``page``-th page (from 1) of matching rows, newest first."""
    conditions = _where(ward_id, all_wards, filters)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return LogPage(list(rows), total, page, pages)


def ward_head(session: Session, ward_id: int | None, all_wards: bool) -> AuditEntry | None:
    """The newest row the reader may see (None when there is none)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)
    if not all_wards:
        query = query.where(AuditEntry.ward_id == ward_id)
    return session.scalars(query).first()
