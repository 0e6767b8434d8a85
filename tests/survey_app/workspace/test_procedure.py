"""The procedure's rules on the workflow: posting minimum, no future dates, no recognition for
a failing round, provisional rules block sending unless the administrator allows it, and the
round page saying who did what and when (Vietnam time)."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment import load_rules
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, RoundWorkflow
from survey_app.workspace import lifecycle as rounds
from survey_app.workspace import procedure
from survey_app.workspace import scorecard as scorecard_service
from survey_app.workspace.criteria import WorkspaceError
from tests.survey_app.workspace_factories import (
    PASSING_INPUTS,
    SURVEY_INPUTS,
    advance,
    enter_everything,
    make_world,
    user,
)

WHY = "Tỉnh hướng dẫn gửi trước, đối chiếu sau"


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    return make_world(app, make_user)


def _step(app, world, name: str, fn, **kwargs):
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with write_transaction(session) as tx:
            return fn(tx, round_, actor=user(session, world, name), **kwargs)


def test_today_and_times_are_vietnam_time():
    assert procedure.today(dt.datetime(2026, 12, 1, 23, 40)) == dt.date(2026, 12, 2)
    shown = procedure.local_time(dt.datetime(2026, 12, 1, 23, 40))
    assert shown.strftime("%d/%m/%Y %H:%M") == "02/12/2026 06:40"


def test_posting_minimum_comes_from_the_rules_or_the_documented_default():
    assert procedure.posting_min_days(load_rules("qd06-2019-r2")) == 5  # its [procedure]
    old = load_rules("qd06-2019")
    assert old.posting_min_days is None
    assert procedure.posting_min_days(old) == procedure.DEFAULT_POSTING_MIN_DAYS
    with pytest.raises(WorkspaceError) as short:
        procedure.check_posting(old, procedure.DEFAULT_POSTING_MIN_DAYS - 1)
    assert short.value.status == 422 and "ít nhất" in str(short.value)


def test_a_failing_round_cannot_be_sent(app, world):
    enter_everything(app, world)  # 785 points, threshold 850
    advance(app, world, "posted")
    with pytest.raises(WorkspaceError) as refused:
        _step(app, world, "vhxh", rounds.send_to_authority,
              sent_on=dt.date(2024, 12, 6), letter_number="12/TTr-UBND")  # fmt: skip
    assert refused.value.status == 409
    assert "785" in str(refused.value) and "chưa đạt chuẩn" in str(refused.value)


def test_recognised_is_refused_for_a_round_below_the_threshold(app, world):
    enter_everything(app, world)
    advance(app, world, "posted")
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(RoundWorkflow, world.round_id).stage = "sent"  # sent before this rule
    with pytest.raises(WorkspaceError) as refused:
        _step(app, world, "vhxh", rounds.record_decision, number="1/QĐ", date=dt.date(2024, 12, 20),
              authority="UBND thành phố", recognised=True)  # fmt: skip
    assert "Được công nhận" in str(refused.value) and "850" in str(refused.value)
    flow = _step(app, world, "vhxh", rounds.record_decision, number="1/QĐ",
                 date=dt.date(2024, 12, 20), authority="UBND", recognised=False)  # fmt: skip
    assert flow.stage == "decided"


def _posted_passing(app, world):
    enter_everything(app, world, PASSING_INPUTS)
    advance(app, world, "posted")


def test_provisional_rules_block_sending_until_the_administrator_allows(app, world):
    _posted_passing(app, world)
    send = {"sent_on": dt.date(2024, 12, 6), "letter_number": "12/TTr-UBND"}
    with pytest.raises(WorkspaceError) as blocked:
        _step(app, world, "vhxh", rounds.send_to_authority, **send)
    assert blocked.value.status == 409 and "tạm tính" in str(blocked.value)
    with pytest.raises(WorkspaceError) as not_admin:
        _step(app, world, "vhxh", rounds.allow_provisional, reason=WHY)
    assert not_admin.value.status == 403
    with pytest.raises(WorkspaceError):
        _step(app, world, "quantri", rounds.allow_provisional, reason="")
    flow = _step(app, world, "quantri", rounds.allow_provisional, reason=WHY)
    assert flow.provisional_override_reason == WHY and flow.provisional_override_by == "quantri"
    assert flow.provisional_override_at is not None
    with pytest.raises(WorkspaceError) as twice:
        _step(app, world, "quantri", rounds.allow_provisional, reason=WHY)
    assert twice.value.status == 409
    assert _step(app, world, "vhxh", rounds.send_to_authority, **send).stage == "sent"


def test_send_and_decision_dates_cannot_be_in_the_future(app, world):
    _posted_passing(app, world)
    _step(app, world, "quantri", rounds.allow_provisional, reason=WHY)
    tomorrow = procedure.today() + dt.timedelta(days=1)
    with pytest.raises(WorkspaceError) as future_send:
        _step(app, world, "vhxh", rounds.send_to_authority, sent_on=tomorrow, letter_number="12")
    assert future_send.value.errors == {"sent_on": ""} and "chưa tới" in str(future_send.value)
    _step(app, world, "vhxh", rounds.send_to_authority, sent_on=dt.date(2024, 12, 6),
          letter_number="12/TTr-UBND")  # fmt: skip
    with pytest.raises(WorkspaceError) as future_decision:
        _step(app, world, "vhxh", rounds.record_decision, number="1/QĐ", date=tomorrow,
              authority="UBND thành phố", recognised=True)  # fmt: skip
    assert future_decision.value.errors == {"date": ""}


def test_the_page_explains_the_missing_second_approval_and_shows_who_did_what(
    app, client, login, world
):
    enter_everything(app, world)
    advance(app, world, "consolidated")
    _step(app, world, "hoidong1", rounds.approve_round)
    login("hoidong1")
    page = client.get(f"/rounds/{world.round_id}").get_data(as_text=True)
    assert "Cần một thành viên Hội đồng khác phê duyệt lần 2" in page
    assert "Bạn đã phê duyệt lần 1." in page
    assert "Ai đã làm gì" in page and "Tổng hợp số liệu" in page
    with app.app_context():
        at = get_session().get(RoundWorkflow, world.round_id).first_approved_at
    assert procedure.local_time(at).strftime("%d/%m/%Y %H:%M") in page


def test_irreversible_steps_ask_for_confirmation(app, client, login, world):
    enter_everything(app, world)
    advance(app, world, "approved")
    login("vhxh")
    page = client.get(f"/rounds/{world.round_id}").get_data(as_text=True)
    assert 'name="lock-confirm"' in page and 'type="checkbox"' in page
    refused = client.post(f"/rounds/{world.round_id}/lock", data={})
    assert refused.status_code == 422
    with app.app_context():
        assert get_session().get(RoundWorkflow, world.round_id).stage == "approved"
