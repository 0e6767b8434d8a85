"""/audit/history: a ward's administrator reads only their own ward's history (review A8)."""

from __future__ import annotations

import datetime as dt

import pytest

from survey_app.accounts.users import hash_password
from survey_app.audit import log as audit
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, PosterToken, ResidentialGroup, User, Ward
from survey_app.models import Response as SurveyResponse
from tests.conftest import TEST_PASSWORD

ENTITIES = ("user", "ward", "residential_group", "assessment_round", "poster_token", "response")


def _ward(session, n: int) -> dict[str, int]:
    """A ward with one of each entity, each with an audit row naming the ward; their ids."""
    ward = Ward(code=f"ward-{n}", name=f"Phường {n}", locality_type="other")
    session.add(ward)
    session.flush()
    group = ResidentialGroup(ward_id=ward.id, name=f"Tổ {n}")
    round_ = AssessmentRound(
        ward_id=ward.id, name=f"Đợt {n}", period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31), rule_version="r", instrument_version="i",
    )  # fmt: skip
    session.add_all([group, round_])
    session.flush()
    token = PosterToken(token=f"tok{n}" * 4, group_id=group.id, round_id=round_.id, cap=10)
    response = SurveyResponse(
        round_id=round_.id, group_id=group.id, instrument_version="i", audience="resident",
        age_band="30-59", day=dt.date(2026, 2, 1), submission_key=f"key-{n}",
    )  # fmt: skip
    admin = User(username=f"admin{n}", password_hash="x", role="admin", ward_id=ward.id)
    session.add_all([token, response, admin])
    session.flush()
    ids = {
        "user": admin.id,
        "ward": ward.id,
        "residential_group": group.id,
        "assessment_round": round_.id,
        "poster_token": token.id,
        "response": response.id,
        "other_thing": 1000 + n,  # a kind with no model: its audit rows say the ward
    }
    for entity, entity_id in ids.items():
        audit.record(
            session, action=f"{entity}.change", entity=entity, entity_id=entity_id,
            old=None, new={"secret": f"SECRET-W{n}-{entity}"}, ward_id=ward.id,
        )  # fmt: skip
    return ids


@pytest.fixture
def two_wards(app, make_user):
    with app.app_context(), write_transaction(get_session()) as session:
        wards = {1: _ward(session, 1), 2: _ward(session, 2)}
    make_user("sieuquantri", role="admin")  # no ward: administers every ward
    return wards


def _as(app, admin_id: int):
    """A client signed in as the administrator ``admin_id`` (given the test password)."""
    with app.app_context(), write_transaction(get_session()) as session:
        user = session.get(User, admin_id)
        user.password_hash = hash_password(TEST_PASSWORD)
        name = user.username
    client = app.test_client()
    response = client.post("/login", data={"username": name, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _history(client, entity: str, entity_id: int):
    return client.get(f"/audit/history?entity={entity}&id={entity_id}")


@pytest.mark.parametrize(("reader", "other"), [(1, 2), (2, 1)])
def test_a_ward_admin_reads_no_other_wards_history(app, two_wards, reader, other):
    client = _as(app, two_wards[reader]["user"])
    for entity, entity_id in two_wards[other].items():
        response = _history(client, entity, entity_id)
        assert response.status_code in (403, 404), (entity, response.status_code)
        body = response.get_data(as_text=True)
        assert f"SECRET-W{other}" not in body and f"admin{other}" not in body, entity
    for entity, entity_id in two_wards[reader].items():  # control: their own ward's
        response = _history(client, entity, entity_id)
        assert response.status_code == 200, entity
        assert f"SECRET-W{reader}-{entity}" in response.get_data(as_text=True)


def test_ids_of_nothing_are_refused_without_an_error(app, two_wards):
    client = _as(app, two_wards[1]["user"])
    for entity in (*ENTITIES, "other_thing"):
        for entity_id in ("999999", "abc", "99999999999999999999", "-1"):
            assert _history(client, entity, entity_id).status_code in (403, 404)


def test_an_admin_without_a_ward_reads_every_ward(app, two_wards):
    client = app.test_client()
    data = {"username": "sieuquantri", "password": TEST_PASSWORD}
    assert client.post("/login", data=data).status_code == 302
    for n in (1, 2):
        for entity, entity_id in two_wards[n].items():
            response = _history(client, entity, entity_id)
            assert response.status_code == 200
            assert f"SECRET-W{n}-{entity}" in response.get_data(as_text=True)
