"""Reviewing flagged responses: counters move, the audit log records old/new/reason."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from survey_app.core.db import get_session
from survey_app.models import AuditEntry, Response, User
from survey_app.results import counts as q
from survey_app.results import review
from tests.survey_app.stats_factories import fill, submit
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def setup(app):
    return make_survey(app, groups=2, cap=500)


def _actor(app, make_user, setup, role="vhxh"):
    user_id = make_user(f"r-{role}", role=role, ward_id=setup.ward_id)
    with app.app_context():
        return get_session().get(User, user_id)


def _agree(app, round_id):
    with app.app_context():
        session = get_session()
        for flagged in (False, True):
            assert sorted(q.count_rows(session, round_id, include_flagged=flagged)) == sorted(
                q.recount_rows(session, round_id, include_flagged=flagged)
            )
        return q.c13_inputs(session, round_id)


def test_reviews_move_counts_and_counters_match_the_recount(app, make_user, setup):
    actor = _actor(app, make_user, setup)
    fill(app, setup.token_ids[0], "resident", [4, 2])
    flagged = submit(app, setup.token_ids[1], "resident", 5, straight=True)
    plain = submit(app, setup.token_ids[0], "resident", 5)
    assert _agree(app, setup.round_id)["c13.resident_valid"] == 3
    with app.app_context():
        session = get_session()
        review.review_response(session, flagged.response_id, "kept", actor=actor, reason="ok")
    assert _agree(app, setup.round_id) == {
        "c13.child_satisfied": 0,
        "c13.child_valid": 0,
        "c13.resident_satisfied": 3,
        "c13.resident_valid": 4,
    }
    with app.app_context():
        session = get_session()
        review.review_response(session, plain.response_id, "excluded", actor=actor, reason="dup")
        review.review_response(session, flagged.response_id, "pending", actor=actor, reason="re")
    assert _agree(app, setup.round_id)["c13.resident_valid"] == 2


def test_every_review_is_audited_with_old_new_and_reason(app, make_user, setup):
    actor = _actor(app, make_user, setup)
    flagged = submit(app, setup.token_ids[1], "resident", 5, straight=True)
    with app.app_context():
        session = get_session()
        review.review_response(
            session, flagged.response_id, "excluded", actor=actor, reason="same phone"
        )
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "survey.review")
        ).scalar_one()
        assert json.loads(entry.old)["review"] == "pending"
        assert json.loads(entry.new) == {"review": "excluded", "counts_as_flagged": True}
        assert entry.reason == "same phone" and entry.actor_role == "vhxh"
        assert session.get(Response, flagged.response_id).review == "excluded"


@pytest.mark.parametrize(
    ("decision", "reason", "status"),
    [("deleted", "x", 400), ("kept", "   ", 400), ("kept", "x" * 301, 400)],
)
def test_bad_decisions_are_refused_and_nothing_changes(
    app, make_user, setup, decision, reason, status
):
    actor = _actor(app, make_user, setup)
    flagged = submit(app, setup.token_ids[1], "resident", 5, straight=True)
    with app.app_context():
        session = get_session()
        with pytest.raises(review.ReviewError) as caught:
            review.review_response(
                session, flagged.response_id, decision, actor=actor, reason=reason
            )
        assert caught.value.status == status
        assert session.get(Response, flagged.response_id).review == "pending"
        assert (
            session.execute(select(AuditEntry).where(AuditEntry.action == "survey.review")).first()
            is None
        )


def test_viewer_and_unknown_response_are_refused(app, make_user, setup):
    viewer = _actor(app, make_user, setup, role="viewer")
    flagged = submit(app, setup.token_ids[1], "resident", 5, straight=True)
    with app.app_context():
        session = get_session()
        with pytest.raises(review.ReviewError) as caught:
            review.review_response(session, flagged.response_id, "kept", actor=viewer, reason="x")
        assert caught.value.status == 403
        with pytest.raises(review.ReviewError) as missing:
            review.review_response(session, 987_654, "kept", actor=None, reason="x")
        assert missing.value.status == 404


def test_bulk_review_filters_selects_and_decides_with_one_reason(
    app, client, make_user, login, setup
):
    make_user("bulk-vhxh", role="vhxh", ward_id=setup.ward_id)
    fill(app, setup.token_ids[0], "resident", [4, 2])
    held = [submit(app, setup.token_ids[1], "resident", 5, straight=True) for _ in range(3)]
    assert _agree(app, setup.round_id)["c13.resident_valid"] == 2
    login("bulk-vhxh")
    page = client.get(f"/rounds/{setup.round_id}/survey/flags?flag=impossible&show=held")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.count('name="ids"') == 3
    ids = [str(h.response_id) for h in held[:2]]
    done = client.post(
        f"/rounds/{setup.round_id}/survey/flags/bulk?show=held",
        data={"ids": ids, "decision": "kept", "reason": "Hộ gia đình, đã gọi xác nhận"},
    )
    assert done.status_code == 303 and "show=held" in done.location
    assert _agree(app, setup.round_id)["c13.resident_valid"] == 4
    with app.app_context():
        session = get_session()
        entries = (
            session.execute(select(AuditEntry).where(AuditEntry.action == "survey.review"))
            .scalars()
            .all()
        )
        assert sorted(str(e.entity_id) for e in entries) == sorted(ids)
        assert {e.reason for e in entries} == {"Hộ gia đình, đã gọi xác nhận"}
        assert q.rule_counts(session, setup.round_id)["held"] == 1


def test_bulk_review_is_all_or_nothing(app, client, make_user, login, setup):
    make_user("bulk-vhxh2", role="vhxh", ward_id=setup.ward_id)
    held = submit(app, setup.token_ids[1], "resident", 5, straight=True)
    login("bulk-vhxh2")
    url = f"/rounds/{setup.round_id}/survey/flags/bulk"
    data = {"ids": [str(held.response_id), "999999"], "decision": "kept", "reason": "x"}
    assert client.post(url, data=data).status_code == 404
    assert client.post(url, data={**data, "ids": [], "reason": "x"}).status_code == 400
    assert client.post(url, data={**data, "reason": ""}).status_code == 400
    with app.app_context():
        assert get_session().get(Response, held.response_id).review == "pending"
