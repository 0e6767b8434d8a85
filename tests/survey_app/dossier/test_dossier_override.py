"""The administrator's override of provisional rules as the dossier prints it: a person's
name or "quản trị viên", never a role's label as a name; the reason as a sentence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.core.db import get_session, write_transaction
from survey_app.dossier.parts import sentence
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.source import build_dossier_data
from survey_app.models import AssessmentRound, User
from survey_app.workspace import lifecycle as rounds
from survey_app.workspace.procedure import local_time
from tests.survey_app.dossier.helpers import pdf_text
from tests.survey_app.posting.factories import post_demo

REASON = "UBND tỉnh đã xác nhận thang điểm tiêu chí 5 bằng văn bản số 12/UBND-VX"


def _overridden(app, reason: str = REASON, admin_name: str | None = None) -> tuple[str, str]:
    """The posted demo round, overridden by the demo's administrator (its display name
    ``admin_name`` when given): the dossier's text and the override's Vietnam time."""
    round_id = post_demo(app, answers=20)
    with app.test_request_context():
        session = get_session()
        round_ = session.get(AssessmentRound, round_id)
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        with write_transaction(session) as tx:
            if admin_name is not None:
                admin.display_name = admin_name
            flow = rounds.allow_provisional(tx, round_, reason=reason, actor=admin)
        when = local_time(flow.provisional_override_at).strftime("%d/%m/%Y %H:%M")
        data = build_dossier_data(session, round_, "vi")
    assert data.override is not None and not data.draft
    return pdf_text(render_dossier_pdf(data)), when


def test_an_account_named_after_its_role_is_not_printed_as_the_person(app):
    text, when = _overridden(app)  # the demo's admin is "Quản trị hệ thống"
    assert "Quản trị hệ thống" not in text
    assert f"theo quyết định của quản trị viên ngày {when}. Lý do: {REASON}." in text


def test_the_administrators_name_is_printed_when_the_account_has_one(app):
    text, when = _overridden(app, admin_name="Nguyễn Văn Quản")
    assert f"theo quyết định của Nguyễn Văn Quản ngày {when}. Lý do: {REASON}." in text


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        (REASON, REASON + "."),
        (f"  {REASON}.  ", REASON + "."),
        (REASON + "!", REASON + "!"),
        (REASON + "…", REASON + "…"),
        ("", ""),
    ],
)
def test_a_typed_reason_is_printed_as_one_sentence(typed, printed):
    assert sentence(typed) == printed


def test_after_the_override_the_annex_says_who_accepted_the_rows_not_that_it_is_a_draft(app):
    text, when = _overridden(app)
    annex = text[text.index("PHỤ LỤC. CÁC DÒNG QUY TẮC TẠM TÍNH") :]
    assert "dự thảo" not in annex.lower() and "DỰ THẢO" not in text
    accepted = f"Các nội dung sau được chấp nhận theo quyết định của quản trị viên ngày {when}."
    assert f"{accepted} Lý do: {REASON}." in annex


def test_without_the_override_the_annex_still_says_the_dossier_is_a_draft(app):
    round_id = post_demo(app, answers=20)
    with app.test_request_context():
        session = get_session()
        data = build_dossier_data(session, session.get(AssessmentRound, round_id), "en")
    text = pdf_text(render_dossier_pdf(data))
    assert data.override is None and data.draft
    assert "The dossier is a draft until the following are confirmed:" in text
    assert "were accepted by decision of" not in text
