"""The printable posting notice route, and the minutes' council taken from the ward's council
list (names and positions), never from login accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from survey_app.core.db import get_session, write_transaction
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.source import build_dossier_data
from survey_app.models import AssessmentRound, CouncilMember, User, Ward
from survey_app.workspace import scorecard as scorecard_service
from tests.survey_app.dossier.helpers import docx_text, leaked_keys, pdf_pages, pdf_text
from tests.survey_app.posting.factories import post_round
from tests.survey_app.survey_factories import demo_round
from tests.survey_app.workspace_factories import SURVEY_INPUTS, make_world


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    return make_world(app, make_user)


def test_the_posting_notice_downloads_once_the_posting_is_recorded(app, client, login, world):
    login("vhxh")
    pdf_url, docx_url = (f"/rounds/{world.round_id}/notice.{fmt}" for fmt in ("pdf", "docx"))
    refused = client.get(pdf_url)
    assert refused.status_code == 409 and "Công khai kết quả" in refused.get_data(as_text=True)
    post_round(app, world, start_offset=-1, days=7)
    response = client.get(pdf_url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="thong-bao-niem-yet-dot-' in response.headers["Content-Disposition"]
    with app.app_context():
        data = build_dossier_data(
            get_session(), get_session().get(AssessmentRound, world.round_id), "vi"
        )
    assert data.posting is not None
    text = pdf_text(response.data)
    assert "THÔNG BÁO" in text
    assert f"{data.posting.start:%d/%m/%Y}" in text and f"{data.posting.end:%d/%m/%Y}" in text
    assert f"http://survey.test/posting/test-ward/{world.round_id}" in text.replace(" ", "")
    assert str(data.scorecard.total) in text
    assert leaked_keys(text.replace("test-ward", "")) == []  # the ward code is in the address
    word = client.get(docx_url)
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    assert "THÔNG BÁO" in docx_text(word.data)
    assert client.get(f"/rounds/{world.round_id}/notice.txt").status_code == 404
    client.post("/logout")
    login("yte")
    assert client.get(pdf_url).status_code == 403


def test_the_round_page_links_the_posting_documents(app, client, login, world):
    post_round(app, world)
    login("vhxh")
    page = client.get(f"/rounds/{world.round_id}").get_data(as_text=True)
    for href in (
        f"/rounds/{world.round_id}/notice.pdf",
        f"/rounds/{world.round_id}/notice.docx",
        f"/rounds/{world.round_id}/dossier.docx",
        f"/rounds/{world.round_id}/feedback",
        f"/posting/test-ward/{world.round_id}",
    ):
        assert f'href="{href}"' in page, href


def _minutes(pages: list[str]) -> str:
    return next(p for p in pages if "BIÊN BẢN" in p)


def test_the_minutes_list_the_wards_council_with_positions(app):
    with app.test_request_context():
        session = get_session()
        round_ = demo_round(session, answers=20)
        ward = session.scalars(select(Ward)).one()
        with write_transaction(session) as tx:  # an account that is not on the council list
            tx.add(
                User(
                    username="hd3",
                    display_name="Bùi Văn Khoa",
                    password_hash="x",
                    role="council",
                    ward_id=ward.id,
                )
            )
        data = build_dossier_data(session, round_, "vi")
        people = session.scalars(
            select(CouncilMember).where(CouncilMember.ward_id == ward.id)
        ).all()
    pages = pdf_pages(render_dossier_pdf(data))
    minutes = " ".join(pages[pages.index(_minutes(pages)) :])
    assert "Chủ trì: Vũ Văn Trung, Phó Chủ tịch UBND phường, Chủ tịch Hội đồng." in minutes
    for person in people:
        if person.council_role != "chair":
            assert f"{person.name}, {person.position}" in minutes, person.name
    assert "Trần Văn Hùng, Trưởng Công an phường, Ủy viên" in minutes
    assert "Nguyễn Thị Lan, Công chức Văn hóa - Xã hội, Thư ký" in minutes
    assert "Thư ký: Nguyễn Thị Lan." in minutes
    # Login accounts never reach the minutes: neither a login nor an account off the list.
    assert "Bùi Văn Khoa" not in minutes and "hoidong" not in minutes and "hd3" not in minutes
    assert [m.name for m in data.council.members][:2] == ["Nguyễn Thị Lan", "Trần Văn Hùng"]


def test_a_ward_without_a_council_list_says_so_in_the_minutes(app):
    with app.test_request_context():
        session = get_session()
        round_ = demo_round(session, answers=20)
        with write_transaction(session) as tx:
            tx.execute(delete(CouncilMember))
        data = build_dossier_data(session, round_, "vi")
    assert data.council.members == ()
    minutes = _minutes(pdf_pages(render_dossier_pdf(data)))
    assert "Danh sách thành viên Hội đồng chưa được nhập vào hệ thống." in minutes
    # The chair falls back to the ward's own chair fields.
    assert "Chủ trì: Vũ Văn Trung, Phó Chủ tịch UBND phường" in minutes
    assert "Lê Thị Mai" not in minutes  # a council account's name is not a council list
