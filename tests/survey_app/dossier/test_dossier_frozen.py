"""Nothing changes a locked round's dossier: not the groups' populations, not the ward's
locality type, not the retention purge. An unlocked round reads the live values."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey_app.admin import setup
from survey_app.core.db import get_session, write_transaction
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.source import build_dossier_data
from survey_app.models import AssessmentRound, ResidentialGroup, User
from survey_app.ops import retention
from survey_app.workspace import lifecycle as rounds
from tests.survey_app.dossier.helpers import pdf_text
from tests.survey_app.survey_factories import demo_round, locked_demo_round

OLD_LOCALITY = "các xã, phường, thị trấn còn lại"
NEW_LOCALITY = "xã, thị trấn miền núi, hải đảo và xã đặc biệt khó khăn"


def _demo(app, *, lock: bool) -> int:
    """The demo round with 40 answers, locked or still entering."""
    if lock:
        return locked_demo_round(app, answers=40)
    with app.test_request_context():
        return demo_round(get_session(), answers=40).id


def _dossier(app, round_id: int, language: str = "vi"):
    with app.test_request_context():
        session = get_session()
        return build_dossier_data(session, session.get(AssessmentRound, round_id), language)


def _times_ten_as_admin(app, client, make_user, login) -> None:
    """As an administrator, through the group page: every population multiplied by ten."""
    make_user("quantri-test", role="admin")
    assert login("quantri-test").status_code == 302
    with app.app_context():
        groups = get_session().scalars(select(ResidentialGroup)).all()
        rows = [(g.ward_id, g.id, g.name, g.children, g.residents) for g in groups]
    for ward_id, group_id, name, children, residents in rows:
        page = client.post(
            f"/admin/wards/{ward_id}/groups/{group_id}/edit",
            data={"name": name, "children": children * 10, "residents": residents * 10},
        )
        assert page.status_code == 303, page.text
    with app.app_context():
        assert [g.children for g in get_session().scalars(select(ResidentialGroup))] == [
            row[3] * 10 for row in rows
        ]


def test_editing_populations_after_the_lock_changes_no_criterion_13_figure(
    app, client, make_user, login
):
    round_id = _demo(app, lock=True)
    before = _dossier(app, round_id)
    _times_ten_as_admin(app, client, make_user, login)
    after = _dossier(app, round_id)
    assert after.survey == before.survey
    assert [a.population for a in after.survey.audiences] == [
        a.population for a in before.survey.audiences
    ]
    assert after.scorecard == before.scorecard


def test_an_unlocked_round_reads_the_populations_live(app, client, make_user, login):
    round_id = _demo(app, lock=False)
    before = _dossier(app, round_id)
    _times_ten_as_admin(app, client, make_user, login)
    after = _dossier(app, round_id)
    assert [a.population for a in after.survey.audiences] == [
        10 * a.population for a in before.survey.audiences
    ]
    assert [a.target for a in after.survey.audiences] != [a.target for a in before.survey.audiences]


def test_a_reopened_round_reads_the_populations_live_again(app, client, make_user, login):
    round_id = _demo(app, lock=True)
    locked = _dossier(app, round_id)
    _times_ten_as_admin(app, client, make_user, login)
    with app.test_request_context():
        session = get_session()
        vhxh = session.scalars(select(User).where(User.username == "vhxh")).one()
        with write_transaction(session) as tx:
            round_ = tx.get(AssessmentRound, round_id)
            rounds.reopen_round(tx, round_, reason="Sửa số dân các tổ", actor=vhxh)
    reopened = _dossier(app, round_id)
    assert [a.population for a in reopened.survey.audiences] == [
        10 * a.population for a in locked.survey.audiences
    ]


def test_the_retention_purge_changes_no_locked_survey_tally(app):
    round_id = _demo(app, lock=True)
    before = _dossier(app, round_id)
    with app.app_context():
        session = get_session()
        end = session.get(AssessmentRound, round_id).period_end
        plan = retention.purge(session, end + dt.timedelta(days=1), reason="Hết hạn lưu")
    assert plan.responses == before.survey.qr_responses + before.survey.paper_responses > 0
    after = _dossier(app, round_id)
    assert after.survey == before.survey
    assert after.survey.groups > 0


def _set_locality(app, round_id: int, locality: str) -> None:
    """What /admin/wards/<id>/edit does with a new locality type."""
    with app.app_context():
        session = get_session()
        ward = session.get(AssessmentRound, round_id).ward
        setup.update_ward(session, ward.code, locality_type=locality, reason="Theo quyết định")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_locked_dossier_prints_the_locality_its_verdict_used(app, language):
    round_id = _demo(app, lock=True)
    before = _dossier(app, round_id, language)
    _set_locality(app, round_id, "mountain-island-difficult")
    after = _dossier(app, round_id, language)
    assert after.locality_label == before.locality_label
    assert after.scorecard.locality == "other"
    if language == "vi":
        assert after.locality_label == OLD_LOCALITY
        text = pdf_text(render_dossier_pdf(after))
        assert OLD_LOCALITY in text.lower() and NEW_LOCALITY not in text.lower()


def test_an_unlocked_dossier_prints_the_wards_locality_now(app):
    round_id = _demo(app, lock=False)
    assert _dossier(app, round_id).locality_label == OLD_LOCALITY
    _set_locality(app, round_id, "mountain-island-difficult")
    after = _dossier(app, round_id)
    assert after.locality_label == NEW_LOCALITY
    assert after.scorecard.locality == "mountain-island-difficult"
