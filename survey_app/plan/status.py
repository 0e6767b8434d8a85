"""An activity's status, computed from its dates in Vietnam time (never stored)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Status(StrEnum):
    """Where an activity stands on a given day."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"


def activity_status(
    start_on: dt.date, due_on: dt.date, done_on: dt.date | None, today: dt.date
) -> Status:
    """Done when marked done; overdue after its due day; in progress from its start day."""
    if done_on is not None:
        return Status.DONE
    if today > due_on:
        return Status.OVERDUE
    if today >= start_on:
        return Status.IN_PROGRESS
    return Status.PLANNED
