"""Use cases of the ward's plan: make it from a template or from last year's, edit a section,
add and change activities, mark one done, attach evidence. One function, one transaction,
one audit row each (the caller opens the transaction with `write_transaction`)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.models import (
    Plan,
    PlanActivity,
    PlanActivityUnit,
    PlanSection,
    User,
    Ward,
)
from survey_app.plan.owners import owner_rows, plan_assignment, template_assignment
from survey_app.plan.template import PlanTemplate, default_version, load_template

TITLE_MAX = 300
BODY_MAX = 20_000
NOTES_MAX = 2_000
YEAR_RANGE = (2019, 2100)  # Decision 06/QĐ-TTg dates from 2019


class PlanError(ValueError):
    """A plan change that cannot be made; the message says why (shown to the user)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _fill(text: str, ward: Ward, year: int) -> str:
    # Mid-sentence the ward reads "phường Dĩnh Kế", as in the seed plan ("UBND phường …").
    name = ward.name[:1].lower() + ward.name[1:]
    return text.replace("{ward}", name).replace("{year}", str(year))


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """What the audit log keeps of a plan's header."""
    issued = plan.issued_on.isoformat() if plan.issued_on else None
    return {
        "year": plan.year,
        "template": plan.template_version,
        "number": plan.number,
        "issued_on": issued,
    }


def activity_snapshot(activity: PlanActivity) -> dict[str, Any]:
    """What the audit log keeps of an activity."""
    return {
        "title": activity.title,
        "lead_unit": activity.lead_unit,
        "supports": activity.supporting_units,
        "start_on": activity.start_on.isoformat(),
        "due_on": activity.due_on.isoformat(),
        "done_on": activity.done_on.isoformat() if activity.done_on else None,
        "notes": activity.notes,
        "indicator": activity.indicator,
    }


def _audit(
    session: Session,
    action: str,
    entity: str,
    entity_id: int,
    old: Any,
    new: Any,
    *,
    actor: User | None,
    ward_id: int,
    reason: str = "",
) -> None:
    session.flush()
    audit.record(
        session,
        action=action,
        entity=entity,
        entity_id=entity_id,
        old=old,
        new=new,
        reason=reason,
        actor=actor,
        ward_id=ward_id,
    )


def plan_of(session: Session, ward_id: int, year: int) -> Plan | None:
    """The ward's plan for ``year``, or None."""
    return session.scalar(select(Plan).where(Plan.ward_id == ward_id, Plan.year == year))


def plans_of(session: Session, ward_id: int) -> list[Plan]:
    """Every plan of the ward, newest year first."""
    return list(
        session.scalars(select(Plan).where(Plan.ward_id == ward_id).order_by(Plan.year.desc()))
    )


def _check_year(year: int) -> None:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise PlanError(f"năm {year} không hợp lệ")


def _month_span(year: int, start_month: int, due_month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, due_month)[1]
    return dt.date(year, start_month, 1), dt.date(year, due_month, last)


def create_plan(
    session: Session, ward: Ward, year: int, *, actor: User | None, version: str | None = None
) -> Plan:
    """A new plan for ``ward`` and ``year`` made from a template (the newest by default)."""
    _check_year(year)
    if plan_of(session, ward.id, year) is not None:
        raise PlanError(f"phường đã có kế hoạch năm {year}", 409)
    template = load_template(version or default_version())
    plan = Plan(ward_id=ward.id, year=year, template_version=template.version, number="")
    plan.criterion_owners = owner_rows(template_assignment(template))
    for position, section in enumerate(template.sections):
        plan.sections.append(
            PlanSection(
                key=section.key,
                position=position,
                title=section.title["vi"],
                body=_fill(section.body, ward, year),
            )
        )
    for position, item in enumerate(template.activities):
        start, due = _month_span(year, item.start_month, item.due_month)
        activity = PlanActivity(
            title=item.title,
            lead_unit=item.lead,
            start_on=start,
            due_on=due,
            notes="",
            indicator=item.indicator,
            position=position,
        )
        activity.supports = [PlanActivityUnit(unit=u) for u in item.supports]
        plan.activities.append(activity)
    return _store_new(session, plan, actor, f"template {template.version}")


def copy_forward(session: Session, source: Plan, year: int, *, actor: User | None) -> Plan:
    """Next year's plan from ``source``: its sections, activities and assignment of criteria to
    units, dates moved to ``year``, nothing marked done, no evidence carried over (evidence
    belongs to the year it shows)."""
    _check_year(year)
    if plan_of(session, source.ward_id, year) is not None:
        raise PlanError(f"phường đã có kế hoạch năm {year}", 409)
    ward = session.get(Ward, source.ward_id)
    assert ward is not None
    plan = Plan(
        ward_id=source.ward_id, year=year, template_version=source.template_version, number=""
    )
    plan.criterion_owners = owner_rows(plan_assignment(source))  # who enters what, as last year
    for section in source.sections:
        body = section.body.replace(f"năm {source.year}", f"năm {year}")
        plan.sections.append(
            PlanSection(key=section.key, position=section.position, title=section.title, body=body)
        )
    for old in source.activities:
        activity = PlanActivity(
            title=old.title,
            lead_unit=old.lead_unit,
            position=old.position,
            notes="",
            start_on=_same_day(old.start_on, year),
            due_on=_same_day(old.due_on, year),
            indicator=old.indicator,
        )
        activity.supports = [PlanActivityUnit(unit=u) for u in old.supporting_units]
        plan.activities.append(activity)
    return _store_new(session, plan, actor, f"copied from the plan of {source.year}")


def _store_new(session: Session, plan: Plan, actor: User | None, reason: str) -> Plan:
    """Add a new plan and its audit row (with the plan's id, known once flushed)."""
    session.add(plan)
    session.flush()
    _audit(
        session,
        "create",
        "plan",
        plan.id,
        None,
        plan_snapshot(plan)
        | {"criteria": {str(r.criterion): r.unit for r in plan.criterion_owners}},
        actor=actor,
        ward_id=plan.ward_id,
        reason=reason,
    )
    return plan


def _same_day(day: dt.date, year: int) -> dt.date:
    last = calendar.monthrange(year, day.month)[1]
    return dt.date(year, day.month, min(day.day, last))


def update_header(
    session: Session, plan: Plan, *, number: str, issued_on: dt.date | None, actor: User
) -> Plan:
    """Set the plan's number ("15" or "15/KH-UBND": stored as the number only) and its date."""
    old = plan_snapshot(plan)
    plan.number = number.strip().split("/", 1)[0][:64]
    plan.issued_on = issued_on
    _audit(
        session,
        "update",
        "plan",
        plan.id,
        old,
        plan_snapshot(plan),
        actor=actor,
        ward_id=plan.ward_id,
    )
    return plan


def update_section(
    session: Session, section: PlanSection, *, title: str, body: str, actor: User
) -> PlanSection:
    """Change a section's title and text (audited with the old text)."""
    if len(title) > TITLE_MAX or len(body) > BODY_MAX:
        raise PlanError("nội dung quá dài")
    old = {"key": section.key, "title": section.title, "body": section.body}
    section.title, section.body = title.strip(), body.replace("\r\n", "\n").strip()
    _audit(
        session,
        "update",
        "plan_section",
        section.id,
        old,
        {"key": section.key, "title": section.title, "body": section.body},
        actor=actor,
        ward_id=section.plan.ward_id,
    )
    return section


def _check_activity(
    template: PlanTemplate,
    title: str,
    lead: str,
    supports: list[str],
    start_on: dt.date,
    due_on: dt.date,
    notes: str,
) -> None:
    if not title.strip() or len(title) > TITLE_MAX:
        raise PlanError("tên hoạt động phải có, tối đa 300 ký tự")
    units = {u.id for u in template.units}
    if lead not in units or any(u not in units for u in supports):
        raise PlanError("đơn vị không có trong kế hoạch")
    if due_on < start_on:
        raise PlanError("ngày hoàn thành không được trước ngày bắt đầu")
    if len(notes) > NOTES_MAX:
        raise PlanError("ghi chú quá dài")


def _supports(activity: PlanActivity, units: list[str]) -> list[PlanActivityUnit]:
    """The activity's supporting-unit rows for ``units`` (once each, never its lead unit).

    A unit it already has keeps its row: the rows of the units left out are deleted (orphans)
    and only the new units get rows. Replacing every row instead would insert a kept unit's
    new row before its old one is deleted, against the (activity, unit) unique constraint.
    """
    current = {row.unit: row for row in activity.supports}
    wanted = (u for u in dict.fromkeys(units) if u != activity.lead_unit)
    return [current.get(u) or PlanActivityUnit(unit=u) for u in wanted]


def add_activity(
    session: Session,
    plan: Plan,
    *,
    title: str,
    lead: str,
    supports: list[str],
    start_on: dt.date,
    due_on: dt.date,
    notes: str = "",
    indicator: str = "",
    actor: User,
) -> PlanActivity:
    """A new activity in ``plan`` led by ``lead``."""
    template = load_template(plan.template_version)
    _check_activity(template, title, lead, supports, start_on, due_on, notes)
    activity = PlanActivity(
        title=title.strip(),
        lead_unit=lead,
        start_on=start_on,
        due_on=due_on,
        notes=notes.strip(),
        indicator=indicator,
        position=len(plan.activities),
    )
    activity.supports = _supports(activity, supports)
    plan.activities.append(activity)
    session.flush()
    _audit(
        session,
        "create",
        "plan_activity",
        activity.id,
        None,
        activity_snapshot(activity),
        actor=actor,
        ward_id=plan.ward_id,
    )
    return activity


def update_activity(
    session: Session,
    activity: PlanActivity,
    *,
    title: str,
    lead: str,
    supports: list[str],
    start_on: dt.date,
    due_on: dt.date,
    notes: str,
    indicator: str,
    actor: User,
) -> PlanActivity:
    """Change an activity's fields (the lead unit and dates included), audited."""
    template = load_template(activity.plan.template_version)
    _check_activity(template, title, lead, supports, start_on, due_on, notes)
    old = activity_snapshot(activity)
    activity.title, activity.lead_unit = title.strip(), lead
    activity.start_on, activity.due_on = start_on, due_on
    activity.notes, activity.indicator = notes.strip(), indicator
    activity.supports = _supports(activity, supports)
    _audit(
        session,
        "update",
        "plan_activity",
        activity.id,
        old,
        activity_snapshot(activity),
        actor=actor,
        ward_id=activity.plan.ward_id,
    )
    return activity


def set_done(
    session: Session,
    activity: PlanActivity,
    done_on: dt.date | None,
    *,
    actor: User,
    today: dt.date,
) -> PlanActivity:
    """Mark an activity done on ``done_on`` (not in the future), or not done (None)."""
    if done_on is not None and done_on > today:
        raise PlanError("ngày hoàn thành không được ở tương lai")
    old = activity_snapshot(activity)
    activity.done_on = done_on
    _audit(
        session,
        "update",
        "plan_activity",
        activity.id,
        old,
        activity_snapshot(activity),
        actor=actor,
        ward_id=activity.plan.ward_id,
    )
    return activity
