"""The dossier built from a real round carries the criterion-13 survey figures."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

from pypdf import PdfReader
from sqlalchemy import func, select

from survey_app.core.db import get_session, write_transaction
from survey_app.demo.ward import COUNCIL, build_demo
from survey_app.dossier.data import SIGNER_CHAIR, SIGNER_VICE
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.source import build_dossier_data, council_members, looks_like_role
from survey_app.models import AssessmentRound, Response, RoundWorkflow, User, Ward
from tests.survey_app.survey_factories import demo_round


def test_dossier_survey_section_matches_the_stored_answers(app):
    with app.test_request_context():
        session = get_session()
        result = build_demo(
            session,
            base_url="http://survey.test",
            secret="s" * 40,
            answers=60,
            seed=7,
            today=dt.date(2026, 6, 1),
        )
        round_ = session.get(AssessmentRound, result.round_id)
        data = build_dossier_data(session, round_, "vi")
        stored = session.execute(
            select(func.count()).select_from(Response).where(Response.round_id == round_.id)
        ).scalar_one()
    survey = data.survey
    assert survey is not None
    assert survey.qr_responses + survey.paper_responses == stored == 60
    assert survey.flagged_excluded == result.flagged
    # Valid answers counted per audience never exceed the responses kept after flags.
    assert sum(a.respondents for a in survey.audiences) <= stored - result.flagged
    assert {a.audience for a in survey.audiences} == {"child", "resident"}
    assert data.scorecard.criteria[-1].points == survey.points


def _demo_dossier(app, language: str = "vi"):
    with app.test_request_context():
        session = get_session()
        round_ = demo_round(session, answers=20)
        return build_dossier_data(session, round_, language)


def test_demo_dossier_prints_the_wards_signatories(app):
    data = _demo_dossier(app)
    assert data.ward_admin_parent == "UBND THÀNH PHỐ BẮC GIANG"  # not "UBND BẮC GIANG"
    assert (data.signer_name, data.signer_title) == ("Vũ Văn Trung", SIGNER_VICE)
    assert (data.council.chair_name, data.council.chair_title) == (
        "Vũ Văn Trung",
        "Phó Chủ tịch UBND phường",
    )
    reader = PdfReader(io.BytesIO(render_dossier_pdf(data)))
    raw = "\n".join(page.extract_text() or "" for page in reader.pages)
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    for expected in ("UBND THÀNH PHỐ BẮC GIANG", "Vũ Văn Trung", "PHÓ CHỦ TỊCH"):
        assert unicodedata.normalize("NFC", expected) in text


def test_parent_body_falls_back_to_the_province_only_when_unset(app):
    data = _demo_dossier(app)
    with app.app_context():
        session = get_session()
        ward = session.scalars(select(Ward)).one()
        ward.parent_body = ""
        ward.signer_role = "chair"
        session.commit()
        round_ = session.scalars(select(AssessmentRound)).one()
        fallback = build_dossier_data(session, round_, "vi")
    assert data.ward_admin_parent == "UBND THÀNH PHỐ BẮC GIANG"
    assert fallback.ward_admin_parent == "UBND BẮC GIANG"
    assert fallback.signer_title == SIGNER_CHAIR


def test_council_accounts_print_as_people_never_as_logins_or_roles(app):
    with app.test_request_context():
        session = get_session()
        round_ = demo_round(session, answers=20)
        ward = session.scalars(select(Ward)).one()
        with write_transaction(session) as tx:
            tx.add(
                User(
                    username="hd3",
                    display_name="Thành viên Hội đồng đánh giá",
                    password_hash="x",
                    role="council",
                    ward_id=ward.id,
                )
            )
        members = council_members(session, ward.id)
        data = build_dossier_data(session, round_, "vi")
    # The members are the ward's council list (the chair on its own line), never accounts:
    # the account "hd3" named after its role is not printed.
    assert [m.name for m in members] == [
        name for name, _p, place, _u in COUNCIL if place != "chair"
    ]
    assert all(m.position for m in members)
    assert all(not looks_like_role(m.name) for m in data.council.members)
    assert looks_like_role("Thành viên Hội đồng đánh giá") and not looks_like_role("Vũ Văn Trung")
    text = " ".join(
        unicodedata.normalize("NFC", p.extract_text() or "")
        for p in PdfReader(io.BytesIO(render_dossier_pdf(data))).pages
    )
    assert "hoidong" not in text and "hd2" not in text
    assert "Thành viên Hội đồng đánh giá," not in text


def test_recorded_dates_fill_the_documents(app):
    data = _demo_dossier(app)
    assert data.sent_on is None and data.posting is None  # the demo round is still open
    assert data.issued_on is None  # not locked: the date stays blank to be written by hand


def test_the_administrators_override_reaches_the_dossier(app):
    """The override recorded on the round's workflow is what part VI prints (who, when, why)."""
    reason = "UBND tỉnh đã xác nhận thang điểm tiêu chí 5 bằng văn bản số 12/UBND-VX"
    with app.test_request_context():
        session = get_session()
        round_ = demo_round(session, answers=20)
        with write_transaction(session):
            flow = session.scalars(
                select(RoundWorkflow).where(RoundWorkflow.round_id == round_.id)
            ).one_or_none() or RoundWorkflow(
                round_id=round_.id, updated_at=dt.datetime(2026, 12, 1)
            )
            flow.provisional_override_reason = reason
            flow.provisional_override_by = "Nguyễn Văn Quản"
            flow.provisional_override_at = dt.datetime(2026, 12, 1, 23, 40)  # UTC
            session.add(flow)
        data = build_dossier_data(session, round_, "vi")
        pdf = render_dossier_pdf(data)
    assert data.override is not None
    assert (data.override.reason, data.override.by) == (reason, "Nguyễn Văn Quản")
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = unicodedata.normalize("NFC", " ".join(page.extract_text() for page in pages))
    flat = " ".join(text.split())
    assert "Nguyễn Văn Quản" in flat and "12/UBND-VX" in flat
    assert "02/12/2026" in flat  # 23:40 UTC on 1 December is 2 December in Vietnam
