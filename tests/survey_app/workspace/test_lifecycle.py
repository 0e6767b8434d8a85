"""The round's one lifecycle: the table, the lock closing the survey, and nothing changing a
locked round's figures (answers, paper forms and flag reviews are refused and not stored)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import load_instrument
from survey_app.audit import log as audit
from survey_app.core import lifecycle as table
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, ResidentialGroup, Response, RoundWorkflow
from survey_app.posters import paper
from survey_app.results import review
from survey_app.survey import tokens
from survey_app.survey.submission import new_submission_key
from survey_app.survey.submit import SubmitRefused
from survey_app.workspace import lifecycle as rounds
from survey_app.workspace import scorecard as scorecard_service
from survey_app.workspace import workflow
from survey_app.workspace.criteria import WorkspaceError
from tests.survey_app.setup_factories import cfw
from tests.survey_app.stats_factories import submit
from tests.survey_app.survey_factories import INSTRUMENT
from tests.survey_app.workspace_factories import (
    SURVEY_INPUTS,
    advance,
    enter_everything,
    make_world,
    user,
)

REASON = "Sửa số trẻ tiêm chủng"


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    made = make_world(app, make_user)
    with app.app_context(), write_transaction(get_session()) as session:
        group = ResidentialGroup(
            ward_id=made.ward_id, name="Tổ 1", position=0, children=50, residents=500
        )
        session.add(group)
        session.flush()
        token = tokens.new_token(session, group, session.get(AssessmentRound, made.round_id), 500)
        made.group_id, made.token_id, made.token = group.id, token.id, token.token
    return made


def _responses(app, round_id: int) -> int:
    with app.app_context():
        return get_session().scalar(
            select(func.count(Response.id)).where(Response.round_id == round_id)
        )


def _paper(app, world):
    with app.app_context():
        return paper.enter_paper_form(
            get_session(),
            group_id=world.group_id,
            round_id=world.round_id,
            audience="resident",
            age_band="30-59",
            gender=None,
            answers=dict.fromkeys(("safety", "health", "school", "play", "listened", "help"), 4)
            | {"papers": 3, "overall": 5},
            key=new_submission_key(),
            instrument=load_instrument(INSTRUMENT),
            secret="test-secret-key",
        )


def _status(app, round_id: int) -> str:
    with app.app_context():
        return get_session().get(AssessmentRound, round_id).status


# ---------------------------------------------------------------------------- the table


def test_the_table_freezes_figures_only_with_the_survey_closed():
    assert table.STAGES[0] == "entering" and table.STAGES[-1] == "decided"
    assert table.FORWARD == ("consolidate", "approve", "lock", "post", "send", "decide")
    for stage in table.FROZEN_STAGES:
        assert not table.accepts_answers(stage, "open")
        assert not table.may_start("open_survey", stage, "closed")
    assert table.transition("lock").survey == "closed"
    assert table.transition("reopen").survey == "open"
    assert table.transition("reopen").target == "entering"
    assert table.accepts_answers("entering", "open")
    assert not table.accepts_answers("entering", "closed")
    for step in table.TRANSITIONS.values():
        assert step.permission.startswith(("round.", "rounds.")), step.id
        assert step.label["vi"] and step.label["en"] and step.done["vi"] and step.done["en"]
    irreversible = {t.id for t in table.TRANSITIONS.values() if t.irreversible}
    assert {"lock", "send", "decide"} <= irreversible


# ---------------------------------------------------------------------- the lock and after


def test_lock_closes_the_survey_in_the_same_step(app, world):
    enter_everything(app, world)
    advance(app, world, "approved")
    assert _status(app, world.round_id) == "open"
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with write_transaction(session) as tx:
            rounds.lock_round(tx, round_, actor=user(session, world, "hoidong1"))
    assert _status(app, world.round_id) == "closed"
    with app.app_context():
        last = audit.history(get_session(), "round", world.round_id)[-1]
        assert last.action == "round.lock"
        assert audit.decode(last.new)["survey"] == "closed"
        assert audit.decode(last.old)["survey"] == "open"


def test_after_the_lock_answers_and_paper_forms_are_refused_and_not_stored(app, client, world):
    submit(app, world.token_id, "resident", 4)
    enter_everything(app, world)
    advance(app, world, "locked")
    before = _responses(app, world.round_id)
    with pytest.raises(SubmitRefused) as phone:
        submit(app, world.token_id, "resident", 5)
    assert phone.value.reason == "closed"
    with pytest.raises(SubmitRefused) as typed:
        _paper(app, world)
    assert typed.value.reason == "closed"
    assert _responses(app, world.round_id) == before == 1
    scanned = client.get(f"/q/{world.token}")  # the poster now leads to the results
    assert scanned.status_code == 303 and "/results/" in scanned.location


def test_a_locked_round_with_an_open_survey_still_refuses(app, world):
    """Rows from before the lifecycle (locked, survey left open) take no answer either."""
    enter_everything(app, world)
    advance(app, world, "locked")
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(AssessmentRound, world.round_id).status = "open"
    with pytest.raises(SubmitRefused):
        submit(app, world.token_id, "resident", 5)
    with pytest.raises(SubmitRefused):
        _paper(app, world)
    assert _responses(app, world.round_id) == 0


def test_after_the_lock_flag_reviews_are_refused_and_nothing_moves(app, world):
    flagged = submit(app, world.token_id, "resident", 5, straight=True)
    enter_everything(app, world)
    advance(app, world, "locked")
    with app.app_context():
        session = get_session()
        actor = user(session, world, "vhxh")
        with pytest.raises(review.ReviewError) as refused:
            review.review_response(session, flagged.response_id, "kept", actor=actor, reason="ok")
        assert refused.value.status == 409 and "đã khóa" in str(refused.value)
        assert session.get(Response, flagged.response_id).review == "pending"


def test_the_review_page_refuses_after_the_lock(app, client, login, world):
    flagged = submit(app, world.token_id, "resident", 5, straight=True)
    enter_everything(app, world)
    advance(app, world, "locked")
    login("vhxh")
    response = client.post(
        f"/rounds/{world.round_id}/survey/flags/{flagged.response_id}",
        data={"decision": "kept", "reason": "Phiếu thật"},
    )
    assert response.status_code == 409
    assert "đã khóa" in response.get_data(as_text=True)


def test_the_survey_cannot_be_opened_while_locked(app, runner, world):
    enter_everything(app, world)
    advance(app, world, "locked")
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with pytest.raises(WorkspaceError) as refused, write_transaction(session) as tx:
            rounds.open_survey(tx, round_, reason=REASON, actor=user(session, world, "vhxh"))
        assert refused.value.status == 409 and "Mở lại để sửa số liệu" in str(refused.value)
    result = cfw(runner, "rounds", "open", str(world.round_id), "--reason", REASON)
    assert result.exit_code == 2 and "đã khóa" in result.output
    assert _status(app, world.round_id) == "closed"


def test_reopening_reopens_the_round_and_its_survey(app, world):
    enter_everything(app, world)
    advance(app, world, "locked")
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with write_transaction(session) as tx:
            rounds.reopen_round(tx, round_, reason=REASON, actor=user(session, world, "vhxh"))
        assert workflow.stage(session, world.round_id) == "entering"
    assert _status(app, world.round_id) == "open"
    assert submit(app, world.token_id, "resident", 5).response_id


# ---------------------------------------------------------------------- the survey's steps


def test_staff_close_and_open_the_survey_from_the_round_page(app, client, login, world):
    login("vhxh")
    page = client.get(f"/rounds/{world.round_id}").get_data(as_text=True)
    assert "Đóng khảo sát" in page and "Khảo sát: đang mở" in page
    empty = client.post(f"/rounds/{world.round_id}/close_survey", data={})
    assert empty.status_code == 422
    closed = client.post(
        f"/rounds/{world.round_id}/close_survey",
        data={"close_survey-reason": "Hết thời gian khảo sát"},
        follow_redirects=True,
    )
    assert closed.status_code == 200 and "Đã đóng khảo sát" in closed.get_data(as_text=True)
    assert _status(app, world.round_id) == "closed"
    assert client.post(f"/rounds/{world.round_id}/close_survey").status_code == 409
    opened = client.post(
        f"/rounds/{world.round_id}/open_survey", data={"open_survey-reason": "Gia hạn thêm"}
    )
    assert opened.status_code == 303 and _status(app, world.round_id) == "open"
    client.post("/logout")
    login("yte")
    assert client.post(f"/rounds/{world.round_id}/close_survey").status_code == 403
    with app.app_context():
        actions = [r.action for r in audit.history(get_session(), "round", world.round_id)]
        assert actions == ["round.close_survey", "round.open_survey"]
        assert get_session().get(RoundWorkflow, world.round_id).stage == "entering"


def test_each_step_says_what_happened_and_what_comes_next(app, client, login, world):
    enter_everything(app, world)
    login("vhxh")
    page = client.post(f"/rounds/{world.round_id}/consolidate", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Đã tổng hợp số liệu" in text and "Bước tiếp theo: “Phê duyệt”" in text
    assert "Đã lưu." not in text
