"""The printed plan and year-end report: every heading is printed once, in the PDF as in the DOCX
(two headings in a row, "2. Phân công trách nhiệm" then "2.1. …", printed the second twice)."""

from __future__ import annotations

import pytest

from survey_app.core.db import get_session
from survey_app.core.vntime import today_vn
from survey_app.dossier.model import Para
from survey_app.dossier.plan import plan_document, report_document
from survey_app.models import Plan, Ward
from tests.survey_app.dossier.helpers import docx_text, pdf_text
from tests.survey_app.plan.factories import new_plan

YEAR = 2025


@pytest.fixture
def plan_id(client, login, make_user):
    make_user("vhxh1", role="vhxh")
    login("vhxh1")
    return new_plan(client, YEAR)


def _headings(app, plan_id: int, kind: str) -> list[str]:
    make = plan_document if kind == "plan" else report_document
    with app.app_context():
        session = get_session()
        plan = session.get(Plan, plan_id)
        document = make(plan, session.get(Ward, plan.ward_id), "vi", today_vn())
    return [b.text for b in document.blocks if isinstance(b, Para) and b.style == "heading"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("kind", ["plan", "report"])
def test_every_heading_of_the_printed_plan_is_printed_once(app, client, plan_id, kind, fmt):
    headings = _headings(app, plan_id, kind)
    assert headings
    if kind == "plan":
        assert "2. Phân công trách nhiệm" in headings
        assert "2.1. Công chức Văn hóa - Xã hội phường" in headings
    response = client.get(f"/plan/{plan_id}/{kind}.{fmt}")
    assert response.status_code == 200
    text = pdf_text(response.data) if fmt == "pdf" else docx_text(response.data)
    printed = {heading: text.count(heading) for heading in headings}
    assert printed == {heading: headings.count(heading) for heading in headings}
