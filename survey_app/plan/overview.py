"""A plan as plain rows for its pages and documents: sections, criteria, duties, activities
with their computed status, progress per unit and the year's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from assessment import load_rules
from survey_app.core.i18n import _, _l
from survey_app.core.permissions import has
from survey_app.models import Plan
from survey_app.plan.owners import plan_assignment
from survey_app.plan.status import Status, activity_status
from survey_app.plan.template import PlanTemplate, load_template
from survey_app.plan.timeline import Bar, timeline_svg

STATUS_LABELS = {
    Status.PLANNED: _l("Chưa đến hạn bắt đầu"),
    Status.IN_PROGRESS: _l("Đang thực hiện"),
    Status.DONE: _l("Đã hoàn thành"),
    Status.OVERDUE: _l("Quá hạn"),
}
MONTHS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12")


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One activity as the pages show it."""

    id: int
    number: int
    title: str
    lead: str
    lead_name: str
    supports: tuple[str, ...]
    start_on: dt.date
    due_on: dt.date
    done_on: dt.date | None
    status: Status
    status_label: str
    evidence: int
    indicator: str


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit of the plan: its duties, the criteria it leads and its activities' progress."""

    id: str
    name: str
    request: bool
    duties: tuple[str, ...]
    criteria: tuple[str, ...]
    supports: tuple[str, ...]
    done: int
    total: int
    overdue: int


@dataclass(frozen=True, slots=True)
class PlanView:
    """Everything the plan pages and documents show."""

    year: int
    title: str
    symbol: str
    sections: tuple  # the plan's PlanSection rows, in order
    kinds: dict[str, str]  # section key → kind (text, criteria, activities, duties)
    criteria: tuple[tuple[int, str, str], ...]  # (number, name, lead unit name), plan's rows
    activities: tuple[ActivityRow, ...]
    units: tuple[UnitRow, ...]
    timeline: Markup


def _unit_name(template: PlanTemplate, unit_id: str, lang: str) -> str:
    unit = template.unit(unit_id)
    return unit.name.get(lang) or unit.name["vi"] if unit else unit_id


def unit_choices(plan: Plan, lang: str) -> list[tuple[str, str]]:
    """(id, name) of the plan's units, for the lead and support fields."""
    template = load_template(plan.template_version)
    return [(u.id, u.name.get(lang) or u.name["vi"]) for u in template.units]


def plan_overview(plan: Plan, lang: str, today: dt.date) -> PlanView:
    """The plain view of ``plan`` on ``today`` (Vietnam time) in ``lang``."""
    template = load_template(plan.template_version)
    rules = load_rules()
    names = {c.number: c.name.get(lang) for c in rules.criteria}
    rows = []
    for number, act in enumerate(plan.activities, start=1):
        status = activity_status(act.start_on, act.due_on, act.done_on, today)
        rows.append(
            ActivityRow(
                id=act.id,
                number=number,
                title=act.title,
                lead=act.lead_unit,
                lead_name=_unit_name(template, act.lead_unit, lang),
                supports=tuple(_unit_name(template, u, lang) for u in act.supporting_units),
                start_on=act.start_on,
                due_on=act.due_on,
                done_on=act.done_on,
                status=status,
                status_label=str(STATUS_LABELS[status]),
                evidence=len(act.evidence),
                indicator=act.indicator,
            )
        )
    # Who leads each criterion: the plan's own assignment, the one the criteria entry uses.
    owners = plan_assignment(plan)
    units = []
    for unit in template.units:
        mine = [r for r in rows if r.lead == unit.id]
        led = tuple(n for n in sorted(owners) if owners[n] == unit.id)
        units.append(
            UnitRow(
                id=unit.id,
                name=unit.name.get(lang) or unit.name["vi"],
                request=unit.request,
                duties=unit.duties,
                criteria=tuple(f"{n}" for n in led),
                supports=tuple(f"{n}" for n in unit.supports if n not in led),
                done=sum(r.status is Status.DONE for r in mine),
                total=len(mine),
                overdue=sum(r.status is Status.OVERDUE for r in mine),
            )
        )
    criteria = tuple(
        (n, names.get(n, ""), _unit_name(template, owners[n], lang)) for n in sorted(owners)
    )
    bars = [
        Bar(r.number, r.start_on, r.due_on, r.status, f"{r.number}. {r.title}: {r.status_label}")
        for r in rows
    ]
    chart = timeline_svg(
        plan.year, bars, today, MONTHS, _("Các hoạt động trong năm %(year)s", year=plan.year)
    )
    return PlanView(
        year=plan.year,
        title=template.title.get(lang) or template.title["vi"],
        symbol=template.symbol,
        sections=tuple(plan.sections),
        kinds={s.key: s.kind for s in template.sections},
        criteria=criteria,
        activities=tuple(rows),
        units=tuple(units),
        timeline=chart,
    )


# The unit id of the residential groups in the plan template: a group leader follows the
# activities the groups take part in.
GROUPS_UNIT = "todanpho"
SOON_DAYS = 30  # the plan's keeper sees what is late and what falls due within this many days


def my_activities(plan: Plan | None, user: object, lang: str, today: dt.date) -> list[ActivityRow]:
    """The open activities of this year's ``plan`` that concern ``user``, soonest due first:
    their unit's (led or supported), the residential groups' for a group leader, and for the
    plan's keeper what is late or due within SOON_DAYS."""
    if plan is None:
        return []
    role, unit = getattr(user, "role", None), getattr(user, "unit", None)
    view = plan_overview(plan, lang, today)
    by_id = {a.id: a for a in plan.activities}
    open_rows = [r for r in view.activities if r.status is not Status.DONE]

    def involves(row: ActivityRow, unit_id: str) -> bool:
        return row.lead == unit_id or unit_id in by_id[row.id].supporting_units

    if has(role, "plan.activity_edit_own_unit") and unit:
        rows = [r for r in open_rows if involves(r, unit)]
    elif has(role, "groups.see_own"):
        rows = [r for r in open_rows if involves(r, GROUPS_UNIT)]
    elif has(role, "plan.edit"):
        soon = today + dt.timedelta(days=SOON_DAYS)
        rows = [r for r in open_rows if r.status is Status.OVERDUE or r.due_on <= soon]
    else:
        rows = []
    return sorted(rows, key=lambda r: r.due_on)
