"""Editing a plan activity through its form: the supporting units are a set that the edit
updates (kept rows stay, removed ones go, new ones come), audited; never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.audit.log import decode
from survey_app.core.db import get_session
from survey_app.models import AuditEntry, Plan, PlanActivity, PlanActivityUnit
from survey_app.plan.template import load_template
from tests.survey_app.plan.factories import new_plan

YEAR = 2025


@pytest.fixture
def activity_id(client, login, make_user):
    """An activity of a plan made from the template, with at least two supporting units."""
    make_user("vhxh1", role="vhxh")
    login("vhxh1")
    plan_id = new_plan(client, YEAR)
    with client.application.app_context():
        plan = get_session().get(Plan, plan_id)
        return next(a.id for a in plan.activities if len(a.supports) >= 2)


def _form(app, activity_id: int, **changes: object) -> dict[str, object]:
    """The activity's form as its page fills it, with ``changes``."""
    with app.app_context():
        activity = get_session().get(PlanActivity, activity_id)
        data: dict[str, object] = {
            "title": activity.title,
            "lead": activity.lead_unit,
            "supports": activity.supporting_units,
            "start_on": activity.start_on.isoformat(),
            "due_on": activity.due_on.isoformat(),
            "indicator": activity.indicator,
            "notes": activity.notes,
        }
    return data | changes


def _stored(app, activity_id: int) -> tuple[str, list[str], dict[str, object]]:
    """The stored title, supporting units, and the newest audit row's new value."""
    with app.app_context():
        session = get_session()
        activity = session.get(PlanActivity, activity_id)
        units = session.scalars(
            select(PlanActivityUnit.unit)
            .where(PlanActivityUnit.activity_id == activity_id)
            .order_by(PlanActivityUnit.unit)
        ).all()
        audit = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "plan_activity", AuditEntry.action == "update")
            .order_by(AuditEntry.id.desc())
        ).first()
        return activity.title, list(units), decode(audit.new) if audit else {}


def test_changing_only_the_title_keeps_the_supporting_units(app, client, activity_id):
    before = _form(app, activity_id)
    response = client.post(
        f"/plan/activities/{activity_id}", data=_form(app, activity_id, title="Tập huấn cán bộ")
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    title, units, audited = _stored(app, activity_id)
    assert title == "Tập huấn cán bộ"
    assert units == sorted(before["supports"])  # type: ignore[arg-type]
    assert audited["title"] == "Tập huấn cán bộ"
    assert sorted(audited["supports"]) == units  # type: ignore[arg-type]


def test_the_supporting_units_are_updated_as_a_set(app, client, activity_id):
    kept, dropped = _form(app, activity_id)["supports"][:2]  # type: ignore[index]
    lead = _form(app, activity_id)["lead"]
    with app.app_context():
        activity = get_session().get(PlanActivity, activity_id)
        units = {u.id for u in load_template(activity.plan.template_version).units}
        added = sorted(units - set(activity.supporting_units) - {lead})[0]
    response = client.post(
        f"/plan/activities/{activity_id}",
        data=_form(app, activity_id, supports=[added, kept, kept]),
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    _title, units, audited = _stored(app, activity_id)
    assert units == sorted([added, kept]) and dropped not in units
    assert sorted(audited["supports"]) == units  # type: ignore[arg-type]
