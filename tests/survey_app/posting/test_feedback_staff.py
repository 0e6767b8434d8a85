"""The ward's staff read the comments of a posted round and answer them (audited); the dossier
then records the posting period, how many comments came and how many were answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.core.db import get_session
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.source import build_dossier_data
from survey_app.models import AssessmentRound, AuditEntry, User
from survey_app.posting import answers
from survey_app.workspace import scorecard as scorecard_service
from tests.survey_app.dossier.helpers import pdf_text
from tests.survey_app.posting.factories import page_url, post_round, stored_feedback
from tests.survey_app.workspace_factories import SURVEY_INPUTS, make_world

COMMENTS = (
    "Tiêu chí 12: nhà văn hóa tổ 5 chưa có góc đọc sách cho trẻ em.",
    "Đề nghị ghi rõ nguồn số liệu tiêm chủng của tiêu chí 7.",
)


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    return make_world(app, make_user)


@pytest.fixture
def commented(app, client, world):
    post_round(app, world)
    for text in COMMENTS:
        assert client.post(page_url(world), data={"text": text}).status_code == 303
    return [row.id for row in stored_feedback(app, world.round_id)]


def _answer_url(world, feedback_id: int) -> str:
    return f"/rounds/{world.round_id}/feedback/{feedback_id}"


def test_the_officer_reads_and_answers_a_comment(app, client, login, world, commented):
    login("vhxh")
    page = client.get(f"/rounds/{world.round_id}/feedback")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert all(text in body for text in COMMENTS)
    assert "Đã nhận 2 góp ý, đã trả lời 0." in body and "(giờ Việt Nam)" in body
    first = commented[0]
    answer = "Phường sẽ bổ sung góc đọc sách trong quý I; điểm tiêu chí 12 giữ nguyên."
    saved = client.post(_answer_url(world, first), data={f"f{first}-answer": answer})
    assert saved.status_code == 303
    assert "Đã nhận 2 góp ý, đã trả lời 1." in client.get(saved.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        session = get_session()
        row = next(r for r in answers.feedback_of(session, world.round_id) if r.id == first)
        assert (row.status, row.answer, row.answered_by_id) == (
            "answered",
            answer,
            world.users["vhxh"],
        )
        assert row.answered_at is not None
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "posting.answer")
        ).one()
    assert (audit.entity, audit.entity_id, audit.actor_name) == (
        "posting_feedback",
        str(first),
        "vhxh",
    )
    assert answer in audit.new and '"status":"new"' in audit.old.replace(" ", "")


def test_an_empty_answer_is_refused_and_nothing_changes(app, client, login, world, commented):
    login("vhxh")
    first = commented[0]
    refused = client.post(_answer_url(world, first), data={f"f{first}-answer": "   "})
    assert refused.status_code == 422
    assert "Nhập nội dung trả lời." in refused.get_data(as_text=True)
    with app.app_context():
        assert answers.feedback_counts(get_session(), world.round_id).answered == 0
        assert (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.action == "posting.answer"))
            .all()
            == []
        )


def test_the_council_reads_but_does_not_answer(app, client, login, world, commented):
    login("hoidong1")
    assert client.get(f"/rounds/{world.round_id}/feedback").status_code == 200
    first = commented[0]
    assert (
        client.post(_answer_url(world, first), data={f"f{first}-answer": "Không được"}).status_code
        == 403
    )
    client.post("/logout")
    login("xem")
    assert client.get(f"/rounds/{world.round_id}/feedback").status_code == 403


def test_a_comment_of_another_round_is_not_found(app, client, login, world, commented):
    login("vhxh")
    assert client.post(_answer_url(world, 999999), data={"f999999-answer": "x"}).status_code == 404
    other = f"/rounds/999999/feedback/{commented[0]}"
    assert client.post(other, data={f"f{commented[0]}-answer": "x"}).status_code == 404


def test_the_dossier_records_the_posting_and_its_comments(app, client, login, world, commented):
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        answers.answer_feedback(
            session,
            round_,
            commented[1],
            "Nguồn: Sổ tiêm chủng Trạm Y tế phường, đã ghi ở phụ lục.",
            actor=session.get(User, world.users["vhxh"]),
        )
        data = build_dossier_data(session, round_, "vi")
    assert data.posting is not None
    assert (data.posting.comments, data.posting.answered) == (2, 1)
    text = pdf_text(render_dossier_pdf(data))
    start, end = data.posting.start, data.posting.end
    assert (
        f"niêm yết công khai từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}; "
        "nhận được 2 ý kiến, đã trả lời 1." in text
    )
