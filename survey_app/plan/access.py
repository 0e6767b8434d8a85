"""Who may change what in a plan, from the permissions table: the plan's keeper edits the
plan; an activity is changed by whoever holds "plan.activity_edit_all", or by an officer of the
unit that leads it ("plan.activity_edit_own_unit")."""

from __future__ import annotations

from survey_app.core.permissions import has
from survey_app.models import PlanActivity, User


def may_edit_plan(user: User | None) -> bool:
    """True for the officer who keeps the ward's plan."""
    return user is not None and user.active and has(user.role, "plan.edit")


def may_change_activity(user: User | None, activity: PlanActivity) -> bool:
    """True for the plan's keeper and for an officer of the activity's lead unit."""
    if user is None or not user.active:
        return False
    if has(user.role, "plan.activity_edit_all"):
        return True
    return has(user.role, "plan.activity_edit_own_unit") and user.unit == activity.lead_unit
