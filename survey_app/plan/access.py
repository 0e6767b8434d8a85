"""Who may change what in a plan: the culture–social officer keeps the plan; the unit that
leads an activity (and the culture–social officer) may change that activity and its evidence.
Everyone on the ward's staff may read the plan."""

from __future__ import annotations

from survey_app.models import PlanActivity, User

READ_ROLES = ("admin", "vhxh", "unit", "council", "leader", "viewer")
PLAN_EDIT_ROLES = ("vhxh",)


def may_edit_plan(user: User | None) -> bool:
    """True for the officer who keeps the ward's plan."""
    return user is not None and user.active and user.role in PLAN_EDIT_ROLES


def may_change_activity(user: User | None, activity: PlanActivity) -> bool:
    """True for the plan's keeper and for an officer of the activity's lead unit."""
    if user is None or not user.active:
        return False
    if may_edit_plan(user):
        return True
    return user.role == "unit" and user.unit == activity.lead_unit
