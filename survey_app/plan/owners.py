"""Who is in charge of each criterion: one assignment, held by the ward's plan for the year.

Section V of the plan gives every criterion to a unit; the criteria entry reads the same
assignment, so changing a criterion's unit in the plan changes who enters its figures
("criteria.edit_own_unit" checks the officer's unit against it). Where the assignment comes
from, in order:

1. once a round's entry has closed, the unit recorded on each criterion's entry (the unit in
   charge when its figures were last changed or sent): the assignment the round actually used,
   which its dossier prints, whatever the plan says later;
2. the ward's plan for the round's year: its stored rows, else what its template assigns;
3. without a plan, the round's rule file (each criterion's ``unit``).

All three are data (the plan's rows, the template file, the rule file); no unit is named here.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import RuleSet
from survey_app.accounts.users import UNIT_IDS
from survey_app.audit import log as audit
from survey_app.core import lifecycle
from survey_app.core.i18n import _
from survey_app.models import (
    AssessmentRound,
    CriterionEntry,
    Plan,
    PlanCriterionOwner,
    RoundWorkflow,
    User,
)
from survey_app.plan.template import PlanTemplate, load_template

REASON_MAX = 300


class AssignmentError(ValueError):
    """An assignment the plan refuses; the message says why (shown to the user)."""

    status = 400


def plan_year(round_: AssessmentRound) -> int:
    """The year of the plan a round belongs to: the year its period starts in."""
    return round_.period_start.year


def plan_for_round(session: Session, round_: AssessmentRound) -> Plan | None:
    """The ward's plan for the round's year, or None."""
    return session.scalar(
        select(Plan).where(Plan.ward_id == round_.ward_id, Plan.year == plan_year(round_))
    )


def template_assignment(template: PlanTemplate) -> dict[int, str]:
    """Criterion number → the unit the template's section V gives it to."""
    return {n: unit.id for unit in template.units for n in unit.criteria}


def plan_assignment(plan: Plan) -> dict[int, str]:
    """Criterion number → unit in ``plan``: its stored rows over its template's defaults."""
    owners = template_assignment(load_template(plan.template_version))
    owners.update({row.criterion: row.unit for row in plan.criterion_owners})
    return owners


def owner_rows(assignment: Mapping[int, str]) -> list[PlanCriterionOwner]:
    """The stored rows of an assignment (a new or copied plan keeps all of them)."""
    return [PlanCriterionOwner(criterion=n, unit=u) for n, u in sorted(assignment.items())]


def entry_open(session: Session, round_id: int) -> bool:
    """True while units may enter the round's figures (its stage allows entry)."""
    flow = session.get(RoundWorkflow, round_id)
    return lifecycle.state(flow.stage if flow is not None else "entering").entry_open


def round_owners(session: Session, round_: AssessmentRound, rules: RuleSet) -> dict[str, str]:
    """Criterion id ("c11") → the unit in charge of it in ``round_`` (see the module text)."""
    owners = {c.id: c.unit for c in rules.criteria}
    plan = plan_for_round(session, round_)
    if plan is not None:
        assigned = plan_assignment(plan)
        for crit in rules.criteria:
            unit = assigned.get(crit.number)
            if unit in UNIT_IDS:  # a body without an account (the radio) enters no figures
                owners[crit.id] = unit
    if not entry_open(session, round_.id):
        recorded = session.execute(
            select(CriterionEntry.criterion, CriterionEntry.unit).where(
                CriterionEntry.round_id == round_.id, CriterionEntry.unit.is_not(None)
            )
        )
        owners.update({c: u for c, u in recorded if c in owners})
    return owners


def assignable_units(plan: Plan) -> list[str]:
    """The plan's units that may be given a criterion: those whose officers enter figures."""
    template = load_template(plan.template_version)
    return [u.id for u in template.units if u.id in UNIT_IDS]


def assign_criteria(
    session: Session,
    plan: Plan,
    changes: Mapping[int, str],
    *,
    actor: User,
    reason: str = "",
) -> int:
    """Give criteria to units in ``plan`` (number → unit); returns how many changed.

    Refuses (`AssignmentError`, nothing written) a criterion the plan does not list or a unit
    whose officers do not enter figures. Each change is one audit row with the old and the new
    unit; the criteria entry follows at once for the rounds of the plan's year still open.
    """
    if len(reason) > REASON_MAX:
        raise AssignmentError(_("Lý do dài quá %(n)d ký tự.", n=REASON_MAX))
    current = plan_assignment(plan)
    allowed = set(assignable_units(plan))
    for number, unit in changes.items():
        if number not in current:
            raise AssignmentError(_("Kế hoạch không có tiêu chí %(n)d.", n=number))
        if unit not in allowed:
            raise AssignmentError(
                _("Chỉ giao tiêu chí cho đơn vị có cán bộ nhập số liệu (tiêu chí %(n)d).", n=number)
            )
    rows = {row.criterion: row for row in plan.criterion_owners}
    changed = 0
    for number, unit in sorted(changes.items()):
        old = current[number]
        if unit == old:
            continue
        row = rows.get(number)
        if row is None:
            row = PlanCriterionOwner(criterion=number, unit=unit)
            plan.criterion_owners.append(row)
        row.unit = unit
        session.flush()
        audit.record(
            session,
            action="update",
            entity="plan_criterion_owner",
            entity_id=f"{plan.id}:{number}",
            old={"plan": plan.id, "year": plan.year, "criterion": number, "unit": old},
            new={"plan": plan.id, "year": plan.year, "criterion": number, "unit": unit},
            reason=reason.strip(),
            actor=actor,
            ward_id=plan.ward_id,
        )
        changed += 1
    return changed
