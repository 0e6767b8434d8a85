"""The combined scorecard: scored by `assessment`, survey figures for criterion 13, scoped rows."""

from __future__ import annotations

import pytest

from assessment import load_rules, score
from survey_app.core.db import get_session
from survey_app.models import AssessmentRound
from survey_app.workspace import scorecard as service
from tests.survey_app.workspace_factories import (
    ENTERED_INPUTS,
    EXAMPLE,
    EXAMPLE_INPUTS,
    SURVEY_INPUTS,
    World,
    add_round,
    advance,
    enter_everything,
    make_world,
)

PROVISIONAL = "tạm tính — cần đối chiếu Quyết định 06/QĐ-TTg"


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    return make_world(app, make_user)


def _expected():
    return score(EXAMPLE_INPUTS, load_rules(EXAMPLE["rules"]), "other")


def test_culture_social_officer_sees_the_whole_scorecard(app, client, login, world):
    enter_everything(app, world)
    login("vhxh")
    response = client.get(f"/rounds/{world.round_id}/scorecard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    card = _expected()
    assert f'<span class="big">{card.total}</span>' in page
    for criterion in card.criteria:
        assert f"{criterion.number}. {criterion.name.vi}" in page
        assert f"{criterion.points}/{criterion.max_points}" in page
    for reason in card.reasons:
        assert reason.message("vi") in page
    assert PROVISIONAL in page
    assert "ngưỡng 850" in page
    assert ("CHƯA ĐẠT" in page) is (not card.recognised)
    assert "<svg" in page and "<script" not in page


def test_scorecard_matches_the_pure_function(app, world):
    enter_everything(app, world)
    with app.app_context():
        session = get_session()
        result = service.round_score(session, session.get(AssessmentRound, world.round_id))
    assert result.card is not None and result.survey_available
    assert result.card.to_dict() == _expected().to_dict()


def test_criterion_13_without_the_survey_module(app, client, login, world, monkeypatch):
    monkeypatch.setattr(service, "survey_inputs", lambda _s, _r: None)
    enter_everything(app, world)
    login("vhxh")
    page = client.get(f"/rounds/{world.round_id}/scorecard").get_data(as_text=True)
    assert "chưa có số liệu khảo sát" in page


def test_unit_officer_sees_only_their_rows(app, client, login, world):
    enter_everything(app, world)
    login("yte")
    page = client.get(f"/rounds/{world.round_id}/scorecard").get_data(as_text=True)
    assert "7. Trẻ em dưới 1 tuổi" in page
    assert "3. Trẻ em bị xâm hại" not in page
    assert 'class="big"' not in page  # no total: it would reveal the other units' figures


@pytest.mark.parametrize(
    ("username", "status"), [("hoidong1", 200), ("xem", 200), ("quantri", 200), ("totruong", 403)]
)
def test_who_reads_the_scorecard(app, client, login, world, username, status):
    login(username)
    assert client.get(f"/rounds/{world.round_id}/scorecard").status_code == status


def test_change_since_the_previous_round(app, client, login, world: World):
    previous = World(world.ward_id, add_round(app, world.ward_id, "Năm 2023", 2023), world.users)
    worse = dict(ENTERED_INPUTS) | {"c7.fully_immunised": 50}
    enter_everything(app, previous, worse)
    enter_everything(app, world)
    login("vhxh")
    page = client.get(f"/rounds/{world.round_id}/scorecard").get_data(as_text=True)
    assert "So với đợt trước" in page and "Năm 2023" in page
    with app.app_context():
        session = get_session()
        result = service.round_score(session, session.get(AssessmentRound, world.round_id))
    assert result.previous_round is not None and result.deltas["c7"] > 0
    assert all(d == 0 for k, d in result.deltas.items() if k != "c7")
    assert f"so với đợt trước: +{result.deltas['c7']}" in page


def test_locked_round_is_shown_from_its_frozen_inputs(app, world, monkeypatch):
    enter_everything(app, world)
    advance(app, world, "locked")
    monkeypatch.setattr(service, "survey_inputs", lambda _s, _r: None)  # survey changed since
    with app.app_context():
        session = get_session()
        result = service.round_score(session, session.get(AssessmentRound, world.round_id))
    assert result.locked is not None and result.card.total == result.locked.total


def test_survey_counts_are_read_through_the_statistics_module(app, monkeypatch):
    calls = []

    def c13_inputs(session, round_id, *, include_flagged=False):
        calls.append((round_id, include_flagged))
        return dict(SURVEY_INPUTS)

    monkeypatch.setattr(service, "c13_inputs", c13_inputs)
    with app.app_context():
        assert service.survey_inputs(get_session(), 7) == SURVEY_INPUTS
    assert calls == [(7, False)]
