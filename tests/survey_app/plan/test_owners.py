"""One assignment of criteria to units: the plan's section V is who enters each criterion.

Changing a criterion's unit in the plan (the culture-social officer, in the browser) changes who
may enter it, is audited with the old and the new unit, and is what the plan page, the entry
page, the plan's PDF and DOCX and the round's dossier print. A round whose entry has closed
keeps the unit its figures were entered for.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from assessment import default_version as default_rules
from assessment import load_rules
from survey_app.core.db import get_session, write_transaction
from survey_app.dossier.source import build_dossier_data
from survey_app.models import AssessmentRound, AuditEntry, Plan, RoundWorkflow
from survey_app.plan.owners import plan_assignment, round_owners, template_assignment
from survey_app.plan.template import default_version, load_template
from survey_app.workspace import scorecard as scorecard_service
from tests.survey_app.dossier.helpers import docx_text, pdf_text
from tests.survey_app.page import page_text
from tests.survey_app.workspace_factories import (
    SURVEY_INPUTS,
    advance,
    enter_everything,
    make_world,
)

YEAR = 2024  # the year of make_world's round
C11 = {"v_c11__forum_held": "1", "n_c11__forum_held": "Biên bản diễn đàn 01/06/2024"}


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    world = make_world(app, make_user)
    make_user("doan1", role="unit", unit="doan")
    make_user("truong1", role="unit", unit="truonghoc")
    return world


def _plan(client, login, year=YEAR) -> int:
    login("vhxh")
    response = client.post("/plan/new", data={"year": year, "source": "template"})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def _assignment(app, plan_id) -> dict[int, str]:
    with app.app_context():
        return plan_assignment(get_session().get(Plan, plan_id))


def _form(app, plan_id, **changes: str) -> dict[str, str]:
    """The assignment form as the browser posts it: every criterion, ``c11="truonghoc"``."""
    data = {f"c{n}": unit for n, unit in _assignment(app, plan_id).items()}
    return data | changes


def _relogin(client, login, name):
    client.post("/logout")
    login(name)


def test_the_templates_assignment_is_the_rule_files_default():
    """Without a plan the rule file decides; a new plan starts from the template: the same."""
    rules = load_rules(default_rules())
    template = load_template(default_version())
    assert template_assignment(template) == {c.number: c.unit for c in rules.criteria}


def test_without_a_plan_the_rule_file_assigns(app, world):
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        rules = load_rules("qd06-2019")
        assert round_owners(session, round_, rules) == {c.id: c.unit for c in rules.criteria}


def test_changing_criterion_11_in_the_plan_changes_who_enters_it(app, client, login, world):
    plan_id = _plan(client, login)
    round_id = world.round_id
    # Before: the youth union enters criterion 11, the schools may not.
    _relogin(client, login, "doan1")
    assert client.get(f"/rounds/{round_id}/criteria/c11").status_code == 200
    _relogin(client, login, "truong1")
    assert client.get(f"/rounds/{round_id}/criteria/c11").status_code == 403

    _relogin(client, login, "vhxh")
    page = client.get(f"/plan/{plan_id}/criteria")
    assert page.status_code == 200 and "Tiêu chí 11" in page_text(page)
    response = client.post(
        f"/plan/{plan_id}/criteria",
        data=_form(app, plan_id, c11="truonghoc") | {"reason": "Nhà trường tổ chức diễn đàn"},
    )
    assert response.status_code == 303
    assert _assignment(app, plan_id)[11] == "truonghoc"

    # The new unit's officer enters criterion 11; the old one gets 403 on reading and saving.
    _relogin(client, login, "truong1")
    form = client.get(f"/rounds/{round_id}/criteria/c11")
    assert form.status_code == 200
    assert "Đơn vị phụ trách: Các trường học" in page_text(form)
    assert f"Kế hoạch năm {YEAR}" in page_text(form)
    assert client.post(f"/rounds/{round_id}/criteria/c11", data=C11).status_code == 303
    assert "Tiêu chí 11" in page_text(client.get(f"/rounds/{round_id}/criteria"))
    history = f"/audit/history?entity=criterion_value&id={round_id}:c11.forum_held"
    assert "quyền tham gia" in page_text(client.get(f"/rounds/{round_id}/scorecard"))
    assert client.get(history).status_code == 200
    _relogin(client, login, "doan1")
    assert "quyền tham gia" not in page_text(client.get(f"/rounds/{round_id}/scorecard"))
    assert client.get(history).status_code == 403
    assert client.get(f"/rounds/{round_id}/criteria/c11").status_code == 403
    assert client.post(f"/rounds/{round_id}/criteria/c11", data=C11).status_code == 403
    assert "Tiêu chí 11" not in page_text(client.get(f"/rounds/{round_id}/criteria"))

    # One audit row, with the old and the new unit and the reason.
    with app.app_context():
        rows = (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.entity == "plan_criterion_owner"))
            .all()
        )
    assert len(rows) == 1
    assert (
        json.loads(rows[0].old)["unit"] == "doan" and json.loads(rows[0].new)["unit"] == "truonghoc"
    )
    assert rows[0].entity_id == f"{plan_id}:11" and rows[0].reason == "Nhà trường tổ chức diễn đàn"

    # The plan page and its printed forms show the new assignment.
    _relogin(client, login, "vhxh")
    page = page_text(client.get(f"/plan/{plan_id}"))
    assert "tiêu chí số 10, 11" in page
    for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
        text = extract(client.get(f"/plan/{plan_id}/plan.{fmt}").data)
        assert (
            "Chủ trì triển khai thực hiện và đánh giá tình hình thực hiện tiêu chí số 10, 11."
            in text
        )
        # The schools no longer "support" the criterion they now lead; the youth union leads none.
        assert "Phối hợp thực hiện tiêu chí số 11" not in text
        assert text.count("tiêu chí số 11") == 0


def test_only_the_plans_keeper_changes_the_assignment(app, client, login, world):
    plan_id = _plan(client, login)
    _relogin(client, login, "doan1")
    assert client.get(f"/plan/{plan_id}/criteria").status_code == 403
    response = client.post(f"/plan/{plan_id}/criteria", data=_form(app, plan_id, c11="doan"))
    assert response.status_code == 403


@pytest.mark.parametrize("unit", ["dai", "todanpho", "nobody", ""])
def test_a_unit_that_enters_no_figures_is_refused_and_nothing_changes(
    app, client, login, world, unit
):
    plan_id = _plan(client, login)
    response = client.post(f"/plan/{plan_id}/criteria", data=_form(app, plan_id, c11=unit))
    assert response.status_code == 400
    assert _assignment(app, plan_id)[11] == "doan"
    with app.app_context():
        session = get_session()
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "plan_criterion_owner")
        ).all()


def test_next_years_plan_keeps_the_changed_assignment(app, client, login, world):
    plan_id = _plan(client, login)
    client.post(f"/plan/{plan_id}/criteria", data=_form(app, plan_id, c11="truonghoc"))
    response = client.post("/plan/new", data={"year": YEAR + 1, "source": str(plan_id)})
    assert response.status_code == 303
    copy_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert _assignment(app, copy_id)[11] == "truonghoc"


def test_a_round_past_entry_keeps_the_unit_its_figures_were_entered_for(app, client, login, world):
    plan_id = _plan(client, login)
    enter_everything(app, world)  # criterion 11 entered while the youth union was in charge
    advance(app, world, "consolidated")
    client.post(f"/plan/{plan_id}/criteria", data=_form(app, plan_id, c11="truonghoc"))
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        owners = round_owners(session, round_, load_rules("qd06-2019"))
        assert owners["c11"] == "doan"
        data = build_dossier_data(session, round_, "vi")
        assert data.owner("c11", "") == "doan"
    # Reopened for entry (here: its stage set back), the round follows the plan again.
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(RoundWorkflow, world.round_id).stage = "entering"
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        assert round_owners(session, round_, load_rules("qd06-2019"))["c11"] == "truonghoc"


def test_the_dossier_prints_the_unit_in_charge(app, client, login, world):
    plan_id = _plan(client, login)
    client.post(f"/plan/{plan_id}/criteria", data=_form(app, plan_id, c11="truonghoc"))
    enter_everything(app, world)
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        data = build_dossier_data(session, round_, "vi")
    assert data.owner("c11", "") == "truonghoc"
    advance(app, world, "consolidated")  # the dossier exists once the figures are consolidated
    pdf = client.get(f"/rounds/{world.round_id}/dossier.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    row = re.search(r"Trẻ em được thực hiện quyền tham gia (\S+ \S+ \S+)", text)
    assert row is not None and row.group(1).startswith("Các trường học"), text[:2000]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_dossiers_source_notes_list_the_plans_evidence(app, client, login, world):
    """Criterion 11's "children's forum held" carries the forum activity and its photo."""
    plan_id = _plan(client, login)
    with app.app_context():
        forum = next(
            a
            for a in get_session().get(Plan, plan_id).activities
            if a.indicator == "c11.forum_held"
        )
        forum_id, title = forum.id, forum.title
    client.post(f"/plan/activities/{forum_id}/done", data={"done_on": f"{YEAR}-06-01"})
    upload = client.post(
        f"/plan/activities/{forum_id}/evidence",
        data={"file": (io.BytesIO(PNG), "dien-dan-tre-em.png"), "caption": "Ảnh"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    enter_everything(app, world)
    # The unit's entry form shows the evidence next to the input it supports.
    assert "dien-dan-tre-em.png" in page_text(client.get(f"/rounds/{world.round_id}/criteria/c11"))
    advance(app, world, "consolidated")
    with app.app_context():
        session = get_session()
        data = build_dossier_data(session, session.get(AssessmentRound, world.round_id), "vi")
    note = next(n for n in data.source_notes if n.input_key == "c11.forum_held")
    assert [(e.activity, e.files) for e in note.evidence] == [(title, ("dien-dan-tre-em.png",))]
    assert all(not n.evidence for n in data.source_notes if n.input_key != "c11.forum_held")
    for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
        response = client.get(f"/rounds/{world.round_id}/dossier.{fmt}")
        assert response.status_code == 200
        text = extract(response.data)
        sources = text[text.index("V. NGUỒN SỐ LIỆU") :]
        assert "Minh chứng theo kế hoạch:" in sources
        assert "(hoàn thành 01/06/2024): dien-dan-tre-em.png" in sources
        assert title[:25] in sources
